"""演示评审反馈表: the 鉴定评审反馈表 an applicant fills after the review body has submitted its report.

DOMAIN.md (the process table, "评审反馈表"): the applicant tells the authority how the on-site review
went, so the authority can supervise its review bodies. It is an ordinary application form schema
(editors change it like any other); `load_demo` builds it once and names it in
WorkflowSettings.feedback_form. As in forms_config/demo_form.py, every page and field has an
explicit key, because the stored answers and the printed 评审反馈表 address them by key.
"""

from .demo_form import _field, _page, registered_pages
from .models import ApplicationFormSchema

DEMO_FEEDBACK_FORM_TITLE = "鉴定评审反馈表"
DEMO_FEEDBACK_FORM_DESCRIPTION = (
    "鉴定评审结束、鉴定评审机构提交评审报告后，由申请单位填写，反映评审组的工作情况和工作作风，"
    "供审批机关监督鉴定评审工作。"
)

YES_NO = ["是", "否"]
SATISFACTION = ["满意", "基本满意", "不满意"]

DEMO_FEEDBACK_PAGES = [
    _page(
        "鉴定评审工作情况",
        "review",
        [
            _field("radio", "评审组是否按时到场", "arrived_on_time", choices=YES_NO),
            _field(
                "radio",
                "评审组是否按照安全技术规范和评审计划开展评审",
                "followed_rules",
                choices=YES_NO,
            ),
            _field("radio", "评审人员工作作风", "conduct", choices=SATISFACTION),
            _field(
                "radio",
                "是否存在收受礼品、礼金或者吃请等违规行为",
                "misconduct",
                choices=YES_NO,
                help_text="请如实填写",
            ),
            _field(
                "multiline",
                "违规行为情况说明",
                "misconduct_details",
                help_text="请写明时间、人员和具体情况",
                show_when={"field": "misconduct", "value": "是"},
            ),
            _field("radio", "对本次鉴定评审工作的总体评价", "overall", choices=SATISFACTION),
            _field("multiline", "意见和建议", "suggestions", required=False),
        ],
        intro="请根据鉴定评审的实际情况如实填写。",
    ),
    _page(
        "填表人",
        "respondent",
        [
            _field("singleline", "填表人", "respondent_name", prefill="user.real_name"),
            _field("phone", "联系电话", "respondent_phone", prefill="user.mobile"),
        ],
    ),
]


def build_demo_feedback_form():
    """The published demo feedback form (created on first run) and the field types it still lacks.

    Like the demo application form: a form only the loader has saved is brought up to date with
    DEMO_FEEDBACK_PAGES; once an editor has saved it, it is theirs and stays as it is."""
    pages, missing = registered_pages(DEMO_FEEDBACK_PAGES)
    schema = ApplicationFormSchema.objects.filter(title=DEMO_FEEDBACK_FORM_TITLE).order_by("pk").first()
    if schema is None:
        schema = ApplicationFormSchema(
            title=DEMO_FEEDBACK_FORM_TITLE, description=DEMO_FEEDBACK_FORM_DESCRIPTION, pages=pages
        )
        schema.save()
        schema.save_revision().publish()
        return schema, missing

    untouched = not schema.revisions.filter(user__isnull=False).exists() and not schema.has_unpublished_changes
    wanted = ApplicationFormSchema(title=DEMO_FEEDBACK_FORM_TITLE, pages=pages).definition()
    if untouched and schema.definition() != wanted:
        schema.pages = pages
        schema.description = DEMO_FEEDBACK_FORM_DESCRIPTION
        schema.save_revision().publish()
        schema.refresh_from_db()
    return schema, missing
