"""Builders for forms, the catalogue and applications, shared by the form, catalogue and workflow tests.

`make_form_schema` takes pages as plain Python (what an editor would click together) and
publishes the snippet; `make_catalogue` builds home → catalogue → items with national and
provincial levels; `ApplicationFactory` starts a draft through the real service, so a test gets
exactly what an applicant would.
"""

import factory
from wagtail.models import Page, Site

from accounts.models import Authority, AuthorityLevel, Region
from cms.models import HomePage, LicenseCatalogPage, LicenseItemPage, LicenseLevel
from forms_config.models import ApplicationFormSchema
from tests.support.factories import UserFactory
from workflows import services


def field(type_, label, key, required=True, **extra):
    return {"type": type_, "value": {"label": label, "key": key, "required": required, "help_text": "", **extra}}


def page(title, key, fields, show_when=None):
    return {
        "type": "page",
        "value": {
            "title": title,
            "key": key,
            "intro": "",
            "show_when": show_when or {"field": "", "value": ""},
            "fields": fields,
        },
    }


def simple_pages():
    """Two pages of plain fields: enough for tests that are not about field types."""
    return [
        page(
            "申请单位基本情况",
            "basic",
            [
                field("singleline", "企业名称", "qi_ye_ming_cheng", prefill="organisation.name"),
                field("singleline", "法定代表人", "fa_ding_dai_biao_ren"),
            ],
        ),
        page("质量保证体系", "quality", [field("multiline", "质量保证体系说明", "quality_system")]),
    ]


def make_form_schema(pages=None, title="特种设备生产单位许可申请书", publish=True):
    schema = ApplicationFormSchema(title=title, pages=pages if pages is not None else simple_pages())
    schema.save()
    revision = schema.save_revision()
    if publish:
        revision.publish()
        schema.refresh_from_db()
    return schema


def publish_pages(schema, pages):
    """What an editor's "发布" does: the new pages become what new applicants get."""
    schema.pages = pages
    schema.save_revision().publish()
    schema.refresh_from_db()
    return schema


def make_authorities():
    samr, _ = Authority.objects.get_or_create(
        authority_level=AuthorityLevel.NATIONAL,
        kind="authority",
        defaults={"name": "国家市场监督管理总局", "region": Region.objects.get(code="110000")},
    )
    beijing, _ = Authority.objects.get_or_create(
        authority_level=AuthorityLevel.PROVINCIAL,
        region=Region.objects.get(code="110000"),
        kind="authority",
        defaults={"name": "北京市市场监督管理局"},
    )
    return samr, beijing


def make_catalogue(form=None):
    """home → 许可目录 → two items: pressure vessel manufacture (A1 national, D provincial) and
    boiler installation (B provincial). Returns a dict of the pages and levels by name."""
    form = form or make_form_schema()
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title="首页", slug="home-test"))
        # Pages have URLs only under a site's root, as setup_portal arranges for a new site.
        Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    catalogue = home.add_child(instance=LicenseCatalogPage(title="许可目录", slug="catalogue"))
    vessel = catalogue.add_child(
        instance=LicenseItemPage(
            title="压力容器制造",
            slug="pressure-vessel-manufacture",
            category="pressure_vessel",
            activity="manufacture",
            item_name="压力容器制造",
            sub_item="固定式压力容器",
            approval_level="provincial",
            application_form=form,
        )
    )
    a1 = LicenseLevel.objects.create(item=vessel, code="A1", description="大型高压容器", approval_level="national")
    d = LicenseLevel.objects.create(item=vessel, code="D", description="中、低压容器")
    boiler = catalogue.add_child(
        instance=LicenseItemPage(
            title="锅炉安装",
            slug="boiler-installation",
            category="boiler",
            activity="installation",
            item_name="锅炉安装",
            approval_level="provincial",
            application_form=form,
        )
    )
    b = LicenseLevel.objects.create(item=boiler, code="B", description="额定出口压力小于等于2.5MPa的锅炉")
    samr, beijing = make_authorities()
    return {
        "form": form,
        "home": home,
        "catalogue": catalogue,
        "vessel": vessel,
        "boiler": boiler,
        "A1": a1,
        "D": d,
        "B": b,
        "samr": samr,
        "beijing": beijing,
    }


class ApplicationFactory(factory.Factory):
    """A draft started by `user` (an enterprise applicant) for `levels` through the service."""

    class Meta:
        model = dict  # built by _create below

    user = factory.SubFactory(UserFactory)
    levels = ()

    @classmethod
    def _create(cls, model_class, user, levels):
        return services.start_application(user, [level.pk for level in levels])

    _build = _create


def files_form():
    """One page with a files field (场地证明, PDF, up to three) beside two prefilled fields."""
    return make_form_schema(
        [
            page(
                "基本情况",
                "basic",
                [
                    field("singleline", "企业名称", "qi_ye_ming_cheng", prefill="organisation.name"),
                    field("uscc", "统一社会信用代码", "credit_code", prefill="organisation.credit_code"),
                    field("files", "场地证明", "site_proof", allowed_types=["pdf"], max_size_mb=1, max_files=3),
                ],
            )
        ]
    )
