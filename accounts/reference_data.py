"""The accounts part of the portal's reference data: SAMR and the 31 provincial bureaus, the review
bodies and the staff groups, from accounts/data/{authorities,review_bodies,staff_groups}.json.

`manage.py setup_portal` (workflows/management/commands/setup_portal.py) loads them. Every loader
creates what is missing, found by a stable key, and never updates a row that exists: from then on
the administrators own it (单位管理, 设置 → 组). Authorities are keyed by (level, region), review
bodies and groups by name. A group gets the permissions the data names that it lacks and keeps
every other one, so a permission an administrator added stays and one they removed comes back.

Authorities are the one place where the data and the database can contradict each other (the same
region under another name): `authority_conflicts` lists them so the command can stop before it
writes anything.
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from .models import Authority, AuthorityLevel, Region, ReviewBody

DATA_DIR = Path(__file__).resolve().parent / "data"


def read(name):
    return json.loads((DATA_DIR / name).read_text("utf-8"))


def authorities_data():
    return read("authorities.json")


@functools.cache
def bureau_provinces():
    """The province codes of the bureau list (the 31 provincial 市场监督管理局 of the data)."""
    return frozenset(entry["region"] for entry in authorities_data() if entry["level"] == AuthorityLevel.PROVINCIAL)


def has_bureau(province_code):
    """Whether the province has a provincial bureau: in the bureau list or, for one the
    administrators added in 单位管理, in the database (a query only then)."""
    return (
        province_code in bureau_provinces()
        or Authority.objects.filter(authority_level=AuthorityLevel.PROVINCIAL, region_id=province_code).exists()
    )


def review_bodies_data():
    return read("review_bodies.json")


def staff_groups_data():
    return read("staff_groups.json")


@dataclass(frozen=True)
class Loaded:
    """What a loader did: how many it created and how many were there already."""

    created: int = 0
    present: int = 0


@dataclass(frozen=True)
class AuthorityConflict:
    region: str | None  # None: the national authority
    existing: str
    wanted: str


def _authority_key(level, region):
    return (level, region or None)


def missing_regions():
    """Region codes the authorities need that the Region table lacks (migrate loads them)."""
    wanted = {entry["region"] for entry in authorities_data() if entry["region"]}
    return sorted(wanted - set(Region.objects.filter(code__in=wanted).values_list("code", flat=True)))


def authority_conflicts():
    """Authorities in the database under a key of the data but with another name."""
    existing = {
        _authority_key(level, region): name
        for level, region, name in Authority.objects.values_list("authority_level", "region_id", "name")
    }
    conflicts = []
    for entry in authorities_data():
        name = existing.get(_authority_key(entry["level"], entry["region"]))
        if name is not None and name != entry["name"]:
            conflicts.append(AuthorityConflict(entry["region"], name, entry["name"]))
    return conflicts


def load_authorities():
    existing = {
        _authority_key(level, region) for level, region in Authority.objects.values_list("authority_level", "region_id")
    }
    created = 0
    for entry in authorities_data():
        if _authority_key(entry["level"], entry["region"]) in existing:
            continue
        Authority.objects.create(name=entry["name"], authority_level=entry["level"], region_id=entry["region"])
        created += 1
    return Loaded(created, len(authorities_data()) - created)


def load_review_bodies():
    existing = set(ReviewBody.objects.values_list("name", flat=True))
    created = 0
    for entry in review_bodies_data():
        if entry["name"] in existing:
            continue
        ReviewBody.objects.create(
            name=entry["name"],
            region_id=entry["region"],
            contact_name=entry["contact_name"],
            contact_phone=entry["contact_phone"],
        )
        created += 1
    return Loaded(created, len(review_bodies_data()) - created)


def _permission(dotted):
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def load_staff_groups():
    """The staff groups with their model permissions, page permissions on the whole page tree
    and image/document permissions on the root collection (as Wagtail's own Moderators group
    has them), added where missing and never taken away."""
    created = 0
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for entry in staff_groups_data():
        group, was_created = Group.objects.get_or_create(name=entry["name"])
        created += was_created
        group.permissions.add(*[_permission(dotted) for dotted in entry.get("permissions", [])])
        for codename in entry.get("page_permissions", []):
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=_permission(f"wagtailcore.{codename}")
            )
        for dotted in entry.get("collection_permissions", []):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=_permission(dotted)
            )
    return Loaded(created, len(staff_groups_data()) - created)


AUTHORITY_STAFF = "authority_staff"
REVIEW_BODY_STAFF = "review_body_staff"
EDITOR = "editor"
AUDITOR = "auditor"


def staff_group_name(key):
    """The name the data gives the staff group `key` (one of the constants above)."""
    return next(entry["name"] for entry in staff_groups_data() if entry["key"] == key)


def staff_group(key):
    """The staff group `key`, or None when it is missing (renamed in the group editor)."""
    return Group.objects.filter(name=staff_group_name(key)).first()
