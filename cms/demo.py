"""Demo CMS content for `manage.py load_demo`: the licence catalogue, the operating guide and the home
page's service entries.

Pages are content editors own. Each run creates what is missing (looked up by slug) and leaves every
existing page as it is, so running the loader again never undoes an editor's work; delete a page to
have the next run rebuild it from the data.
"""

from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page

from .demo_catalogue import CATALOGUE
from .models import ApprovalLevel, GuidePage, LicenseCatalogPage, LicenseItemPage, LicenseLevel

CATALOGUE_SLUG = "catalogue"
CATALOGUE_TITLE = "许可目录"
CATALOGUE_INTRO = (
    "<p>依据《特种设备生产和充装单位许可规则》（TSG 07-2019）和特种设备生产单位许可目录，"
    "按设备类别列出可在线申请的许可项目。点击许可项目可查看级别或参数、审批机关、申请材料和办理时限；"
    "登录后选择“直接办理”，选取许可项目并填写许可申请书。</p>"
    "<p>各级别由国家市场监督管理总局或者申请单位所在地的省级市场监督管理部门审批，详见许可项目页面。"
    "本目录为演示数据，级别划分和审批机关以市场监督管理部门公布的许可目录为准。</p>"
)

GUIDE_SLUG = "guide"
GUIDE_TITLE = "操作指南"

COMMON_ATTACHMENTS = [
    {"name": "营业执照", "note": "扫描件；事业单位提交法人证书"},
    {"name": "许可项目表", "note": "法定代表人签字并加盖单位公章"},
    {"name": "原许可证", "note": "换证、增项和变更时提交；首次申请无需提交"},
]

SERVICE_LICENCE = "特种设备生产单位许可"
SERVICE_MANAGEMENT = "生产企业许可申请管理"


def item_title(entry):
    return f"{entry['item_name']}（{entry['sub_item']}）" if entry["sub_item"] else entry["item_name"]


def _default(field_name):
    return LicenseItemPage._meta.get_field(field_name).default


def guidance_html(entry):
    """办事指南 of one item: who decides, what to hand in, and the statutory time limits (§3.3–§3.5),
    the same numbers as the page's own time-limit fields (their defaults, as the builder leaves them)."""
    acceptance_days, review_scheduling_days, decision_days = (
        _default("acceptance_days"),
        _default("review_scheduling_days"),
        _default("decision_days"),
    )
    national = [
        level["code"]
        for level in entry["levels"]
        if (level.get("approval_level") or entry["approval_level"]) == ApprovalLevel.NATIONAL
    ]
    if len(national) == len(entry["levels"]):
        authority = "本项目由国家市场监督管理总局审批。"
    elif national:
        authority = (
            f"本项目{'、'.join(national)}级别（参数）由国家市场监督管理总局审批，"
            "其余由申请单位所在地的省级市场监督管理部门审批；两类级别不能在同一份申请中提交。"
        )
    else:
        authority = "本项目由申请单位所在地的省级市场监督管理部门审批。"
    paragraphs = [
        authority + "审批机关根据申请单位的基本信息自动确定，无需填写。",
        "登录后选择“直接办理”，选取许可项目和级别，在线填写《特种设备生产单位许可申请书》，上传申请材料后提交。",
        f"审批机关自收到申请之日起 {acceptance_days} 个工作日内作出受理或者不予受理的决定；"
        "申请材料不齐全或者不符合要求的，一次性告知需要补正的全部内容。"
        f"受理后，鉴定评审机构在 {review_scheduling_days} 个工作日内与申请单位协商确定鉴定评审时间；"
        f"审批机关自收到鉴定评审报告之日起 {decision_days} 个工作日内作出是否准予许可的决定。",
        "许可证有效期为4年；需要延续的，应当在有效期届满的6个月以前（并且不超过12个月）提出换证申请。",
    ]
    if entry.get("note"):
        paragraphs.append(entry["note"])
    return "".join(f"<p>{escape(text)}</p>" for text in paragraphs)


def _publish(page):
    # A revision, so the admin's history and "live" state look like an editor's first publish.
    page.save_revision().publish()
    return page


def build_catalogue(home, form):
    """The 许可目录 page under `home` and one licence item page per CATALOGUE entry, each using `form`.

    Returns (catalogue page, number of item pages created by this run)."""
    catalogue = LicenseCatalogPage.objects.child_of(home).filter(slug=CATALOGUE_SLUG).first()
    if catalogue is None:
        catalogue = home.add_child(
            instance=LicenseCatalogPage(title=CATALOGUE_TITLE, slug=CATALOGUE_SLUG, intro=CATALOGUE_INTRO)
        )
        _publish(catalogue)

    existing = set(Page.objects.child_of(catalogue).values_list("slug", flat=True))
    now = timezone.now()
    created = 0
    for entry in CATALOGUE:
        if entry["slug"] in existing:
            continue
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
                for attachment in COMMON_ATTACHMENTS + entry.get("extra_attachments", [])
            ],
            guidance=guidance_html(entry),
            application_form=form,
            levels=[
                LicenseLevel(
                    code=level["code"],
                    description=level["description"],
                    # Blank means "as the item": only a level that differs from its item says so.
                    approval_level=(
                        level.get("approval_level", "")
                        if level.get("approval_level") != entry["approval_level"]
                        else ""
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
        catalogue.add_child(instance=item)
        created += 1
    return catalogue, created


# --- 操作指南 (the seed user guide, figures described in words) -----------------------------------------

GUIDE_INTRO = "企业及个人用户注册、登录，在线申请特种设备生产单位许可和办理后续事项的操作说明。"


def _p(*texts):
    return {"type": "paragraph", "value": "".join(f"<p>{escape(text)}</p>" for text in texts)}


def _ul(*items):
    return {"type": "paragraph", "value": "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"}


def _heading(text):
    return {"type": "heading", "value": text}


def _steps(*steps):
    return {"type": "steps", "value": list(steps)}


GUIDE_BODY = [
    _heading("1.1 系统注册与登录"),
    _p(
        "特种设备行政许可申报系统是企业及个人办理特种设备生产单位许可的公共服务门户。"
        "申请人先注册账号，再用用户名和密码登录，办理许可申请和后续事项。"
    ),
    _heading("1.2 操作方法"),
    _p("按“注册 → 登录 → 在线办理许可申请 → 许可申请管理”的顺序操作，各环节的步骤见下文。页面上标有 * 的为必填项。"),
    _heading("1.3 注册"),
    _steps(
        "第一步：在浏览器地址栏输入公共服务门户的地址，打开门户首页。",
        "第二步：点击“注册”按钮进入注册页面，根据申请人情况选择“个人注册”“企业注册”或“机构注册”；"
        "如对注册有疑惑，可点击“用户类型选择说明”进行查看。",
        "第三步：企业注册时先选择法人/其他组织类型（法人企业或非法人企业），再按下列要求填写注册信息，"
        "点击“获取验证码”并填写收到的短信验证码后提交注册。",
    ),
    _ul(
        "用户名：4-20个字符，支持字母、数字组合。",
        "密码：8-20个字符，必须由大写字母、小写字母、数字和特殊字符组成；确认密码须与密码一致。",
        "企业名称：请严格按照营业执照或组织机构代码证上的企业名称填写全称。",
        "企业类型：就近选择即可。",
        "统一社会信用代码/组织机构代码：请严格按照营业执照（18位统一社会信用代码）或组织机构代码证"
        "（9位组织机构代码）填写，字母大写，注意不包括字母“I、O、Z、S、V”。",
        "企业营业执照：上传营业执照的扫描件或照片。",
        "所在地：依次选择省、市、区，并填写详细地址。",
        "联系人、联系人身份证号码和手机号：填写手机号后点击“获取验证码”，输入收到的短信验证码。",
    ),
    _p("机构用户注册后，须经工作人员审核通过方可登录。"),
    _heading("1.4 登录"),
    _steps(
        "第一步：注册完成后返回公共服务门户首页，点击“登录”。",
        "第二步：在登录页面输入用户名和密码，点击“登录”。",
        "第三步：登录后进入“我的办事”页面，可以在线办理许可申请、查看申请进度。",
    ),
    _heading("1.5 特种设备生产单位许可申请"),
    _p("实现申报许可申请功能：行政相对人根据申请项目选取许可项目，并填写许可申请书进行许可申请。"),
    _steps(
        "第一步：在门户首页点击“特种设备生产单位许可”后面的“在线办理”，进入许可目录后选择“直接办理”。",
        "第二步：进入申报页面，选取许可项目并填写许可申请书。审批机关根据企业基本信息自动带入，"
        "如申请国家级项目，审批机关为国家市场监督管理总局。",
        "第三步：填写申请资料。填写完当前页面可点击“下一页”进行下一页填写，也可以在页面列表中选择某一页进行填写；"
        "需要打印页面可直接点击“打印当前页”；全部填写完成后点击“提交”。",
    ),
    _heading("1.6 企业账号许可申请管理"),
    _p("企业申报后，可在门户首页点击“生产企业许可申请管理”后面的“直接办理”，查询许可申请的办理进度并进行相应操作。"),
    _heading("补齐补正"),
    _p("企业根据审批机关意见查看补正告知书，按补正告知书的意见一次性修改申请材料并重新提交。"),
    _heading("查看受理决定书"),
    _p(
        "企业可在许可申请查询中查看已经受理的申报记录，点击“查看受理决定书”按钮，"
        "查看受理决定书以及受委托的鉴定评审机构与联系方式。"
    ),
    _heading("协商鉴定评审时间"),
    _p("企业账号用户可点击“协商鉴定评审时间”按钮，与鉴定评审机构确认鉴定评审的时间。"),
    _heading("评审反馈表"),
    _p("鉴定评审机构提交评审资料后，企业须填写评审反馈表，填写完成后点击“提交”即可。"),
]


def build_guide(home):
    guide = GuidePage.objects.child_of(home).filter(slug=GUIDE_SLUG).first()
    if guide is None:
        guide = home.add_child(
            instance=GuidePage(title=GUIDE_TITLE, slug=GUIDE_SLUG, intro=GUIDE_INTRO, body=GUIDE_BODY)
        )
        _publish(guide)
    return guide


def build_home_services(home, catalogue, guide):
    """The home page's two service entries (seed 1.5 and 1.6), only while it has none: after that the
    entries belong to the editors. Returns whether they were set."""
    # Fresh from the database: the caller's instance may predate its own publish.
    home = type(home).objects.get(pk=home.pk)
    if home.services or home.has_unpublished_changes:
        return False
    home.services = [
        {
            "type": "service",
            "value": {
                "title": SERVICE_LICENCE,
                "summary": (
                    "特种设备设计、制造、安装、改造、修理和充装单位在线申请许可：选取许可项目，填写许可申请书并提交。"
                ),
                "guide_page": guide.pk,
                "action_label": "在线办理",
                "action_page": catalogue.pk,
                "action_url": "",
            },
        },
        {
            "type": "service",
            "value": {
                "title": SERVICE_MANAGEMENT,
                "summary": "查询许可申请的办理进度，查看补正告知书和受理决定书，协商鉴定评审时间，填写评审反馈表。",
                "guide_page": guide.pk,
                "action_label": "直接办理",
                "action_page": None,
                "action_url": "/applications/",
            },
        },
    ]
    _publish(home)
    return True
