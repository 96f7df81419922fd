"""The CMS part of the portal's reference data: the home page, the 许可目录 with one licence item page
per entry of TSG 07-2019's catalogue, the 操作指南 and the home page's service entries, from
cms/data/pages.json and cms/data/catalogue.json.

`manage.py setup_portal` (workflows/management/commands/setup_portal.py) loads them. Pages belong to
the content editors: each run creates the pages that are missing (looked up by slug under their
parent) and leaves every existing page as it is, so running it again never undoes an editor's work;
delete a licence item page to have the next run rebuild it from the data. The service entries are
set only while the home page has none.

catalogue.json: "common_attachments" (every item's 申请材料), "guidance" (the 办事指南 paragraphs,
with the placeholders filled from the item and the statutory time limits) and "items", each with
slug (ASCII, unique), category and activity (cms.models choices), item_name (许可项目, as the
catalogue names it), sub_item (许可子项目, may be ""), approval_level (the item's authority; a level's
own approval_level, if set, wins), parameters_note, levels [{code, description, approval_level?,
covers?}], extra_attachments (added to the common ones), note (one extra guidance sentence), and
optionally basis (where the source of the split is known) and verify: the split or a level's scope is a
guess to check against the published catalogue; the command counts them so the operator knows.
An item without grades still has one level ("不分级"): applicants choose levels, not items.
"""

import json
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page, Site

from .models import ApprovalLevel, GuidePage, HomePage, LicenseCatalogPage, LicenseItemPage, LicenseLevel

DATA_DIR = Path(__file__).resolve().parent / "data"


def pages_data():
    return json.loads((DATA_DIR / "pages.json").read_text("utf-8"))


def catalogue_data():
    return json.loads((DATA_DIR / "catalogue.json").read_text("utf-8"))


def item_title(entry):
    return f"{entry['item_name']}（{entry['sub_item']}）" if entry["sub_item"] else entry["item_name"]


def verify_notes():
    """(slug, title, note) of every catalogue entry whose data is marked as a guess to check."""
    return [(e["slug"], item_title(e), e["verify"]) for e in catalogue_data()["items"] if e.get("verify")]


def _publish(page):
    # A revision, so the admin's history and "live" state look like an editor's first publish.
    page.save_revision().publish()
    return page


# --- conflicts --------------------------------------------------------------------------------------


def page_conflicts():
    """(slug, title) of pages under the home page that hold a slug the data needs for a page of
    another type: adding ours beside them would fail on the slug."""
    home = HomePage.objects.first()
    if home is None:
        return []
    data = pages_data()
    wanted = {data["catalogue"]["slug"]: LicenseCatalogPage, data["guide"]["slug"]: GuidePage}
    return [
        (page.slug, page.title)
        for page in Page.objects.child_of(home).filter(slug__in=wanted).specific()
        if not isinstance(page, wanted[page.slug])
    ]


# --- home page ---------------------------------------------------------------------------------------


def load_home_page():
    """The home page as the default site's root. Returns (home page, created)."""
    data = pages_data()["home"]
    home = HomePage.objects.first()
    created = home is None
    # wagtailcore's migration leaves a plain "Welcome to your new Wagtail site!" page at depth 2
    # with the slug "home", as the default site's root.
    welcome = Page.objects.filter(
        depth=2, slug=data["slug"], content_type=ContentType.objects.get_for_model(Page)
    ).first()

    if home is None:
        root = Page.get_first_root_node()
        if welcome is not None:
            # Sibling slugs are unique; free the slug before adding the real home page.
            welcome.slug = f"wagtail-welcome-{welcome.pk}"
            welcome.save()
        home = root.add_child(instance=HomePage(title=data["title"], slug=data["slug"], intro=data["intro"]))
        _publish(home)

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=data["title"]
        )
    elif site.root_page_id != home.pk or not site.site_name:
        site.root_page = home
        site.site_name = site.site_name or data["title"]
        site.save()

    # Only after the site has moved: Site.root_page cascades, so deleting first would delete the
    # default site with it.
    if welcome is not None:
        welcome.refresh_from_db()
        if welcome.numchild == 0 and not Site.objects.filter(root_page=welcome).exists():
            welcome.delete()
    return home, created


# --- 许可目录 -----------------------------------------------------------------------------------------


def _default(field_name):
    return LicenseItemPage._meta.get_field(field_name).default


def guidance_html(entry, guidance=None):
    """办事指南 of one item: who decides, what to hand in, and the statutory time limits (§3.3–§3.5),
    the same numbers as the page's own time-limit fields (their defaults, as the loader leaves them)."""
    guidance = guidance or catalogue_data()["guidance"]
    national = [
        level["code"]
        for level in entry["levels"]
        if (level.get("approval_level") or entry["approval_level"]) == ApprovalLevel.NATIONAL
    ]
    if len(national) == len(entry["levels"]):
        authority = guidance["authority_national"]
    elif national:
        authority = guidance["authority_mixed"].format(national_levels=guidance["level_separator"].join(national))
    else:
        authority = guidance["authority_provincial"]
    values = {
        "authority": authority,
        "acceptance_days": _default("acceptance_days"),
        "review_scheduling_days": _default("review_scheduling_days"),
        "decision_days": _default("decision_days"),
    }
    paragraphs = [text.format(**values) for text in guidance["paragraphs"]]
    if entry.get("note"):
        paragraphs.append(entry["note"])
    return "".join(f"<p>{escape(text)}</p>" for text in paragraphs)


def _item_page(entry, data, form, now):
    item = LicenseItemPage(
        title=item_title(entry),
        slug=entry["slug"],
        category=entry["category"],
        activity=entry["activity"],
        item_name=entry["item_name"],
        sub_item=entry["sub_item"],
        approval_level=entry["approval_level"],
        parameters_note=entry["parameters_note"],
        required_attachments=[
            {"type": "attachment", "value": attachment}
            for attachment in data["common_attachments"] + entry.get("extra_attachments", [])
        ],
        guidance=guidance_html(entry, data["guidance"]),
        application_form=form,
        levels=[
            LicenseLevel(
                code=level["code"],
                description=level["description"],
                # Blank means "as the item": only a level that differs from its item says so.
                approval_level=(
                    level.get("approval_level", "") if level.get("approval_level") != entry["approval_level"] else ""
                ),
                covers=level.get("covers", ""),
                sort_order=index,
            )
            for index, level in enumerate(entry["levels"])
        ],
    )
    # Saved live without a revision: a revision and its publish would triple the cost of the ~70 pages
    # on every fresh database (each test run included), and the admin treats a live page without
    # revisions as published; the first editor's save starts its history.
    item.first_published_at = item.last_published_at = now
    return item


def load_catalogue(home, form):
    """The 许可目录 page under `home` and the licence item pages it lacks, each using `form`.

    Returns (catalogue page, catalogue page created, item pages created, item pages present)."""
    page_data = pages_data()["catalogue"]
    catalogue = LicenseCatalogPage.objects.child_of(home).filter(slug=page_data["slug"]).first()
    catalogue_created = catalogue is None
    if catalogue is None:
        catalogue = home.add_child(
            instance=LicenseCatalogPage(title=page_data["title"], slug=page_data["slug"], intro=page_data["intro"])
        )
        _publish(catalogue)

    data = catalogue_data()
    existing = set(Page.objects.child_of(catalogue).values_list("slug", flat=True))
    now = timezone.now()
    created = 0
    for entry in data["items"]:
        if entry["slug"] in existing:
            continue
        catalogue.add_child(instance=_item_page(entry, data, form, now))
        created += 1
    return catalogue, catalogue_created, created, len(data["items"]) - created


# --- 操作指南 and the home page's service entries ------------------------------------------------------


def load_guide(home):
    """The 操作指南 under `home`. Returns (guide page, created)."""
    data = pages_data()["guide"]
    guide = GuidePage.objects.child_of(home).filter(slug=data["slug"]).first()
    if guide is not None:
        return guide, False
    guide = home.add_child(
        instance=GuidePage(title=data["title"], slug=data["slug"], intro=data["intro"], body=data["body"])
    )
    _publish(guide)
    return guide, True


def load_home_services(home, pages_by_slug):
    """The home page's service entries, only while it has none: after that the entries belong to the
    editors. `pages_by_slug` resolves the data's page references. Returns whether they were set."""
    # Fresh from the database: the caller's instance may predate its own publish.
    home = type(home).objects.get(pk=home.pk)
    if home.services or home.has_unpublished_changes:
        return False
    home.services = [
        {
            "type": "service",
            "value": {
                **entry,
                "guide_page": _page_id(pages_by_slug, entry["guide_page"]),
                "action_page": _page_id(pages_by_slug, entry["action_page"]),
            },
        }
        for entry in pages_data()["home_services"]
    ]
    _publish(home)
    return True


def _page_id(pages_by_slug, slug):
    return pages_by_slug[slug].pk if slug else None
