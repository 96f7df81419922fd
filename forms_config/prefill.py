"""Prefill (预填): a new draft starts with values from the applicant's account, by field key."""


def account_values(user):
    organisation = user.organisation
    return {
        "organisation.name": organisation.name if organisation else "",
        "organisation.credit_code": organisation.credit_code if organisation else "",
        "organisation.region": organisation.region_id or "" if organisation else "",
        "organisation.address": organisation.address if organisation else "",
        "organisation.contact_name": organisation.contact_name if organisation else "",
        "organisation.contact_mobile": organisation.contact_mobile if organisation else "",
        "organisation.contact_phone": organisation.contact_phone if organisation else "",
        "user.real_name": user.real_name,
        "user.mobile": user.mobile or "",
    }


def initial_data(schema, user):
    """{field key: raw value} for every field of `schema` that names a prefill source."""
    values = account_values(user)
    data = {}
    for key, spec in schema.fields_by_key.items():
        source = spec.value.get("prefill")
        if source and values.get(source):
            data[key] = spec.field_type.prefill_value(spec.value, values[source])
    return data
