"""`manage.py setup_portal`: the reference data a new site needs before anyone can use it.

SAMR and the 31 provincial bureaus, the review bodies and the staff groups (accounts/reference_data.py),
the standard application form and the review feedback form (forms_config/reference_data.py), the home
page, the 许可目录 of TSG 07-2019, the 操作指南 and the home page's service entries
(cms/reference_data.py), and the feedback form in the workflow settings (workflows/reference_data.py),
all from the JSON files under each app's data/ folder.

Safe on a production database and to run again: it creates what is missing, found by a stable key
(authorities by level and region, review bodies, groups and forms by name, pages by slug), never
changes what exists, and creates no user. When the database contradicts the data (a bureau of the
same region under another name, a page of another type on a slug the data needs) it says so and
stops before writing anything. One transaction: a failure leaves the database as it was.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import reference_data as accounts_data
from cms import reference_data as cms_data
from forms_config import reference_data as forms_data
from forms_config.transfer import SchemaImportError
from workflows import reference_data as workflows_data


def conflicts():
    """Every contradiction between the database and the data, as lines for the operator."""
    lines = []
    missing = accounts_data.missing_regions()
    if missing:
        lines.append(f"行政区划表中没有 {'、'.join(missing)}：请先运行 manage.py migrate（载入 GB/T 2260 区划）。")
    for conflict in accounts_data.authority_conflicts():
        where = f"行政区划 {conflict.region} 的省级审批机关" if conflict.region else "国家级审批机关"
        lines.append(
            f"{where}在数据库中名为“{conflict.existing}”，参考数据中为“{conflict.wanted}”"
            "（单位管理 → 审批机关：核对名称，或删除重复的审批机关）。"
        )
    for slug, title in cms_data.page_conflicts():
        lines.append(f"首页下已有 slug 为“{slug}”的页面“{title}”，但不是参考数据所需的页面类型（请改其 slug 或删除）。")
    return lines


def setup_portal():
    """Load the reference data (inside the caller's transaction). Returns the summary numbers."""
    problems = conflicts()
    if problems:
        raise CommandError("\n".join(["参考数据与数据库中已有的数据冲突，未做任何修改：", *problems]))

    summary = {
        "authorities": accounts_data.load_authorities(),
        "review_bodies": accounts_data.load_review_bodies(),
        "groups": accounts_data.load_staff_groups(),
    }
    try:
        application_form, application_created = forms_data.load_form(forms_data.APPLICATION_FORM)
        feedback_form, feedback_created = forms_data.load_form(forms_data.FEEDBACK_FORM)
    except SchemaImportError as error:
        raise CommandError("\n".join(["参考数据中的表单文件有误：", *error.messages])) from None
    created_forms = application_created + feedback_created
    summary["forms"] = accounts_data.Loaded(created_forms, 2 - created_forms)

    home, home_created = cms_data.load_home_page()
    catalogue, catalogue_created, items_created, items_present = cms_data.load_catalogue(home, application_form)
    guide, guide_created = cms_data.load_guide(home)
    created_pages = home_created + catalogue_created + guide_created
    summary["pages"] = accounts_data.Loaded(created_pages, 3 - created_pages)
    summary["items"] = accounts_data.Loaded(items_created, items_present)
    summary["services_set"] = cms_data.load_home_services(home, {catalogue.slug: catalogue, guide.slug: guide})
    summary["feedback_form_set"] = workflows_data.set_feedback_form(feedback_form)
    summary["feedback_form"] = feedback_form
    return summary


KINDS = [
    ("authorities", "审批机关"),
    ("review_bodies", "鉴定评审机构"),
    ("groups", "工作人员用户组"),
    ("forms", "申请书表单（含评审反馈表）"),
    ("pages", "页面（首页、许可目录、操作指南）"),
    ("items", "许可项目"),
]


class Command(BaseCommand):
    help = (
        "载入新站点的参考数据：国家市场监督管理总局和31个省级市场监督管理局、鉴定评审机构、工作人员用户组、"
        "许可目录（TSG 07-2019）、申请书和评审反馈表表单、首页和操作指南。只添加缺少的，不修改已有数据，"
        "不创建用户；可重复执行，生产环境可用。"
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            summary = setup_portal()

        self.stdout.write(self.style.SUCCESS("参考数据已就绪（本次新建 / 原已存在，已存在的未作修改）："))
        for key, label in KINDS:
            loaded = summary[key]
            self.stdout.write(f"  {label}：{loaded.created} / {loaded.present}")
        self.stdout.write("  首页办事事项：" + ("已添加" if summary["services_set"] else "首页已有办事事项，未改动"))
        if summary["feedback_form_set"]:
            self.stdout.write(f"  评审反馈表：已设为“{summary['feedback_form'].title}”")
        else:
            self.stdout.write("  评审反馈表：办理设置中已选定，未改动")
        notes = cms_data.verify_notes()
        if notes:
            self.stdout.write(
                self.style.WARNING(
                    f"许可目录中有 {len(notes)} 个许可项目的审批级别或级别划分是待核实的推测"
                    "（cms/data/catalogue.json 中的 verify），请对照市场监督管理部门公布的许可目录，"
                    "在管理后台 页面 → 许可目录 中逐项核对（加 -v 2 列出）。"
                )
            )
            if options["verbosity"] >= 2:
                for slug, title, note in notes:
                    self.stdout.write(f"    {title}（{slug}）：{note}")
        self.stdout.write("未创建任何用户：管理员用 manage.py createsuperuser 创建，见 docs/operations.md。")
