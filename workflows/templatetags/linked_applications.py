"""`{% linked_applications application %}`: the other applications one 选取许可项目 created
with this one (one per 审批机关), for the draft pages, the check page and the detail page.

Costs no query for an application without a selection, one for one that has no other, three
when there are others (them with their authority, their items, which of them the user may see)."""

from django import template

from .. import permissions, services

register = template.Library()


@register.inclusion_tag("workflows/_linked_applications.html", takes_context=True)
def linked_applications(context, application):
    others = list(services.linked_applications(application).prefetch_related("items"))
    visible = set()
    if others:
        user = context["request"].user
        visible = set(
            permissions.visible_applications(user)
            .filter(pk__in=[other.pk for other in others])
            .values_list("pk", flat=True)
        )
    return {
        "linked": [
            {
                "application": other,
                "items": "、".join(f"{item.item_name} {item.level_code}" for item in other.items.all()),
                "url": other.get_absolute_url() if other.pk in visible else "",
            }
            for other in others
        ]
    }
