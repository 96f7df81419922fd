"""A form with personal data (identity card numbers and mobiles, typed fields and table cells) and
a draft filled with known values, to look for them unmasked."""

from tests.support.builders import ApplicationFactory, field, page
from tests.support.factories import make_id_number
from workflows import services

LEGAL_ID = make_id_number(12, birth="19750615")
LEGAL_MOBILE = "13698765432"
TECH_ID = make_id_number(34, birth="19881120")
TECH_MOBILE = "15811112222"
CONTACT_ID = make_id_number(56, birth="19660101")
CONTACT_MOBILE = "13712345678"
FULL_VALUES = [LEGAL_ID, LEGAL_MOBILE, TECH_ID, TECH_MOBILE, CONTACT_ID, CONTACT_MOBILE]

PERSONNEL = [
    {"label": "姓名", "key": "name", "type": "text", "required": True},
    {"label": "身份证号码", "key": "id_number", "type": "id_number", "required": True},
    {"label": "手机号", "key": "mobile", "type": "mobile", "required": False},
]


def personal_pages():
    return [
        page(
            "申请单位基本情况",
            "basic",
            [
                field("singleline", "企业名称", "qi_ye_ming_cheng", prefill="organisation.name"),
                field("singleline", "法定代表人", "fa_ding_dai_biao_ren"),
                field("id_number", "法定代表人身份证号码", "legal_id"),
                field("mobile", "法定代表人手机号", "legal_mobile"),
            ],
        ),
        page(
            "技术人员",
            "personnel",
            [
                field("multiline", "质量保证体系说明", "quality_system"),
                field("table", "技术人员", "personnel", columns=PERSONNEL),
            ],
        ),
    ]


def filled_draft(parties):
    draft = ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]])
    services.save_values(
        draft,
        {
            "qi_ye_ming_cheng": parties.applicant.organisation.name,
            "fa_ding_dai_biao_ren": "张三",
            "legal_id": LEGAL_ID,
            "legal_mobile": LEGAL_MOBILE,
            "quality_system": "ISO 9001",
            "personnel": [{"name": "李技术", "id_number": TECH_ID, "mobile": TECH_MOBILE}],
        },
    )
    return draft
