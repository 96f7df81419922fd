"""Prefill (预填): a new draft starts with values from the applicant's account, by field key.

A field's 预填 setting names a source. Account values (`account_values`) are filled here; the
application's own values (its 申请类别, "application.kind") are given by workflows when it creates
the draft (`values_for`); files ("organisation.business_licence", "license.document") are copied
there as the draft's attachments (`file_sources`). A field marked 锁定 keeps its prefilled value:
the page shows it disabled and a posted value is never stored (forms_config/schema.py).
"""

from .field_types.base import FILE_PREFILL_SOURCES


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


def values_for(schema, values):
    """{field key: raw value} for every typed field of `schema` whose prefill source is in `values`
    ({source: value}; a tuple value lists alternative wordings, see SchemaField.prefill_value)."""
    data = {}
    for key, spec in schema.fields_by_key.items():
        source = spec.value.get("prefill")
        if source and not spec.accepts_uploads and values.get(source):
            data[key] = spec.field_type.prefill_value(spec.value, values[source])
    return data


def initial_data(schema, user):
    """{field key: raw value} for every field of `schema` that names an account prefill source."""
    return values_for(schema, account_values(user))


def file_sources(schema):
    """[(field spec, source)] for the upload fields of `schema` prefilled with a file."""
    return [
        (spec, spec.value["prefill"])
        for spec in schema.fields_by_key.values()
        if spec.accepts_uploads and spec.value.get("prefill") in FILE_PREFILL_SOURCES
    ]


def keys_with_source(schema, source):
    return [key for key, spec in schema.fields_by_key.items() if spec.value.get("prefill") == source]
