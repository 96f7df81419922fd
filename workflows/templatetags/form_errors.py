"""The error summary (错误汇总) at the top of a form page, and the schema fields' error state.

A clerk who submits a long page with mistakes lands on a box listing each one, every entry a
link to its field; the field itself says `aria-invalid` and points at its message with
`aria-describedby`, so a screen reader reads the message with the field. Works without
JavaScript; static/js/portal.js only moves the focus to the box.
"""

from django import template

register = template.Library()


def _anchor(bound):
    """The id of the control a summary link should land on: the field, or its first choice."""
    return bound.id_for_label or (f"{bound.auto_id}_0" if bound.auto_id else "")


def _schema_items(fields):
    items = []
    for f in fields:
        for message in f.get("errors") or []:
            items.append({"href": f"#{_anchor(f['bound'])}", "label": f["spec"].label, "message": message})
    return items


@register.inclusion_tag("includes/error_summary.html")
def error_summary(form=None, fields=None, sections=None, problems=None, error=None):
    """The summary for a Django form (`form`), schema fields (`fields`, or `sections` of them),
    the check page's problems (`problems`: label, messages, url) and a general message (`error`).
    Renders nothing when there is nothing to correct."""
    general = [str(error)] if error else []
    items = []
    if form is not None and form.is_bound:
        general += [str(e) for e in form.non_field_errors()]
        for bound in form.visible_fields():
            for message in bound.errors:
                items.append({"href": f"#{_anchor(bound)}", "label": bound.label, "message": message})
        for bound in form.hidden_fields():
            general += [str(e) for e in bound.errors]
    if fields:
        items += _schema_items(fields)
    for section in sections or ():
        items += _schema_items(section["fields"])
    for p in problems or ():
        items.append({"href": p["url"], "label": p["label"], "message": " ".join(str(m) for m in p["messages"])})
    return {"general": general, "items": items, "count": len(general) + len(items)}


def _described_by(bound, errors):
    ids = []
    if bound.auto_id and bound.help_text:
        ids.append(f"{bound.auto_id}_helptext")
    if bound.auto_id and errors:
        ids.append(f"{bound.auto_id}_error")
    return " ".join(ids)


@register.filter
def schema_widget(f):
    """A schema field's control marked invalid exactly when its message is shown.

    The page form is bound to the stored values, so Django alone would mark every empty required
    field invalid on a fresh page, and would not know about upload errors, which are not form
    errors. The shown messages (f.errors) decide instead."""
    bound, errors = f["bound"], f.get("errors")
    widget = bound.field.widget
    attrs = bound.build_widget_attrs({}, widget)
    attrs.pop("aria-invalid", None)
    attrs.pop("aria-describedby", None)
    if errors:
        attrs["aria-invalid"] = "true"
    described_by = _described_by(bound, errors)
    if described_by:
        attrs["aria-describedby"] = described_by
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    return widget.render(name=bound.html_name, value=bound.value(), attrs=attrs, renderer=bound.form.renderer)


@register.filter
def schema_choices(f):
    """The radio buttons or check boxes of a schema field, marked invalid as schema_widget does."""
    subwidgets = f["bound"].subwidgets
    for sub in subwidgets:
        if f.get("errors"):
            sub.data["attrs"]["aria-invalid"] = "true"
        else:
            sub.data["attrs"].pop("aria-invalid", None)
    return subwidgets
