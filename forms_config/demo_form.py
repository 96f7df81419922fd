"""演示申请书: the 特种设备生产单位许可申请书 of TSG 07-2019 as an application form schema.

`load_demo` builds it once and every licence item of the demo catalogue uses it. The pages mirror the
official 申请书 (applicant, application type, personnel, equipment and premises, quality system,
declaration). Every page and field has an explicit key: drafts, prefill, conditions and printing
address values by key, so the keys here are part of the demo data's contract.
"""

from wagtailstreamforms.fields import get_fields

from .models import ApplicationFormSchema

DEMO_FORM_TITLE = "特种设备生产单位许可申请书"
DEMO_FORM_DESCRIPTION = (
    "依据《特种设备生产和充装单位许可规则》（TSG 07-2019）特种设备生产单位许可申请书编制，"
    "适用于生产和充装单位许可的新申请、增项、换证和变更。"
)

APPLICATION_TYPES = ["新申请", "增项", "换证", "变更"]
UPLOAD_TYPES = ["pdf", "jpg", "png"]
DECLARATION_TEXT = (
    "本单位承诺所填写的内容及提交的材料真实、有效，并对其真实性负责；"
    "本单位已经了解《中华人民共和国特种设备安全法》《特种设备生产和充装单位许可规则》等法律、法规和安全技术规范的要求，"
    "取得许可后将严格按照许可范围从事生产活动，接受市场监督管理部门的监督管理。"
    "如有隐瞒有关情况或者提供虚假材料，愿意承担相应的法律责任。"
)


def _field(type_, label, key, *, required=True, help_text="", prefill="", show_when=None, **options):
    value = {"label": label, "key": key, "help_text": help_text, "required": required, **options}
    if prefill:
        value["prefill"] = prefill
    value["show_when"] = show_when or {"field": "", "value": ""}
    return {"type": type_, "value": value}


def _page(title, key, fields, intro=""):
    return {
        "type": "page",
        "value": {
            "title": title,
            "key": key,
            "intro": intro,
            "show_when": {"field": "", "value": ""},
            "fields": fields,
        },
    }


def _column(label, key, type_="text", required=True):
    return {"label": label, "key": key, "type": type_, "required": required}


DEMO_FORM_PAGES = [
    _page(
        "申请单位基本情况",
        "applicant",
        [
            _field(
                "singleline", "单位名称", "org_name", prefill="organisation.name", help_text="与营业执照上的名称一致"
            ),
            _field("uscc", "统一社会信用代码", "credit_code", prefill="organisation.credit_code"),
            _field("region", "住所（所在地）", "region", prefill="organisation.region", depth="county"),
            _field("singleline", "详细地址", "address", prefill="organisation.address"),
            _field(
                "singleline",
                "生产地址",
                "production_address",
                help_text="实际从事生产（充装）活动的地址；与住所相同的也请填写",
            ),
            _field("singleline", "法定代表人", "legal_representative"),
            _field("singleline", "联系人", "contact_name", prefill="organisation.contact_name"),
            _field("phone", "联系电话", "contact_phone", prefill="organisation.contact_mobile"),
            _field("postcode", "邮政编码", "postcode"),
            _field("singleline", "电子邮箱", "email", required=False),
        ],
        intro="带 * 的为必填项。单位名称、统一社会信用代码、住所和联系人已从账号信息带入，请核对。",
    ),
    _page(
        "申请类别",
        "application",
        [
            _field("radio", "申请类别", "application_type", choices=APPLICATION_TYPES),
            _field(
                "singleline",
                "原许可证编号",
                "original_license_number",
                help_text="换证时填写即将到期的许可证编号",
                show_when={"field": "application_type", "value": "换证"},
            ),
            _field(
                "singleline",
                "已持有许可证编号",
                "existing_license_number",
                help_text="增项时填写本单位已持有的许可证编号",
                show_when={"field": "application_type", "value": "增项"},
            ),
            _field(
                "multiline",
                "变更事项说明",
                "change_description",
                help_text="说明变更的事项（如单位名称、住所、生产地址）以及变更前后的内容",
                show_when={"field": "application_type", "value": "变更"},
            ),
        ],
        intro="换证申请应当在许可证有效期届满的6个月以前（并且不超过12个月）提出。",
    ),
    _page(
        "资源条件（人员）",
        "personnel",
        [
            _field(
                "table",
                "技术人员",
                "technical_staff",
                help_text="填写技术负责人、质量保证体系责任人员和持证作业人员",
                columns=[
                    _column("姓名", "name"),
                    _column("身份证号码", "id_number", "id_number"),
                    _column("证书编号", "certificate_number"),
                    _column("证书有效期", "certificate_valid_until", "date"),
                ],
                min_rows=1,
                max_rows=200,
            ),
            _field("number", "专业技术人员总数（人）", "technical_staff_count", required=False),
            _field("number", "持证作业人员总数（人）", "certified_worker_count", required=False),
        ],
    ),
    _page(
        "资源条件（设备与场地）",
        "facilities",
        [
            _field(
                "table",
                "主要生产设备",
                "production_equipment",
                help_text="填写与申请许可项目相适应的生产和检测设备",
                columns=[
                    _column("名称", "name"),
                    _column("型号", "model"),
                    _column("数量", "quantity", "integer"),
                ],
                min_rows=1,
                max_rows=200,
            ),
            _field("number", "生产场地面积（平方米）", "site_area"),
            _field(
                "files",
                "场地证明",
                "site_proof",
                help_text="房产证明或者租赁合同等，PDF、JPG 或 PNG 格式，每个文件不超过 10 MB",
                allowed_types=UPLOAD_TYPES,
                max_size_mb=10,
                max_files=5,
            ),
        ],
    ),
    _page(
        "质量保证体系",
        "quality",
        [
            _field("singleline", "质量保证体系文件版本", "qms_version", help_text="例如：第2版，2026年1月1日实施"),
            _field("singleline", "质量保证工程师", "quality_engineer"),
            _field(
                "file",
                "质量手册",
                "quality_manual",
                help_text="PDF 格式，不超过 10 MB",
                allowed_types=["pdf"],
                max_size_mb=10,
            ),
        ],
    ),
    _page(
        "承诺书",
        "declaration",
        [
            _field("declaration", "承诺书", "declaration", text=DECLARATION_TEXT),
            _field("date", "承诺日期", "declaration_date"),
        ],
    ),
]


def field_types(pages=DEMO_FORM_PAGES):
    return {f["type"] for p in pages for f in p["value"]["fields"]}


def registered_pages(pages=DEMO_FORM_PAGES):
    """`pages` without the fields whose type is not registered, and those types.

    Saving drops a block of an unknown type silently (Wagtail's StreamBlock does), so the loader says
    which fields are missing instead of publishing a form that lacks them without a word."""
    known = get_fields()
    missing = sorted(field_types(pages) - set(known))
    kept = [
        {**p, "value": {**p["value"], "fields": [f for f in p["value"]["fields"] if f["type"] in known]}} for p in pages
    ]
    return kept, missing


def build_demo_form():
    """The published demo form (created on first run) and the field types it still lacks.

    A form only the loader has saved (no revision by a user) is brought up to date with DEMO_FORM_PAGES,
    so a form first built before all field types were registered gets its missing fields later; once an
    editor has saved it, it is theirs and stays as it is."""
    pages, missing = registered_pages()
    schema = ApplicationFormSchema.objects.filter(title=DEMO_FORM_TITLE).order_by("pk").first()
    if schema is None:
        schema = ApplicationFormSchema(title=DEMO_FORM_TITLE, description=DEMO_FORM_DESCRIPTION, pages=pages)
        schema.save()
        schema.save_revision().publish()
        return schema, missing

    untouched = not schema.revisions.filter(user__isnull=False).exists() and not schema.has_unpublished_changes
    wanted = ApplicationFormSchema(title=DEMO_FORM_TITLE, pages=pages).definition()
    if untouched and schema.definition() != wanted:
        schema.pages = pages
        schema.description = DEMO_FORM_DESCRIPTION
        schema.save_revision().publish()
        schema.refresh_from_db()
    return schema, missing
