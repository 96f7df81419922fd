"""The access matrix's table (tests/security/test_access_matrix.py): for every URL of the site, how
to fill it from the fixture world and what each role gets, and the rules for third-party URLs.
Here rather than in the test module because tests/security/test_figures.py counts it for the README."""

from dataclasses import dataclass, field

from tests.support.url_map import collect_routes
from tests.support.world import ROLES
from workflows.models import ApplicationState as S

STAFF = ("authority", "other_authority", "samr", "review_body", "other_review_body", "editor")
APPLICANTS = ("applicant", "other_enterprise")


def expect(default, **per_role):
    unknown = set(per_role) - set(ROLES)
    assert not unknown, unknown
    return {role: per_role.get(role, default) for role in ROLES}


@dataclass
class Own:
    expected: dict  # role → token
    state: str | None = None  # the application the URL takes, by state
    values: object = None  # callable(world) → {param: value}, instead of own_values
    cases: dict = field(default_factory=dict)  # label → {param: value} (several URLs of one name)
    post: bool = True  # outsiders POST empty data too
    allowed: tuple | None = None  # who may act by POST; by default the roles whose GET is a 200

    def outsiders(self, expected):
        allowed = self.allowed if self.allowed is not None else [r for r in ROLES if expected[r] == "200"]
        return [role for role in ROLES if role not in allowed]


# --- the expected answers of our own URLs --------------------------------------------------
# Portal: the owner gets the page, anonymous users the login, everyone else a 404 (docs/decisions.md,
# decision 3: a 404, not a 403 with a hint): staff have no business in the applicant portal.
OWNER_ONLY = expect("404", anonymous="login", applicant="200")
# The files and issued documents of an application: also the staff whose organisation guardian
# gave the application (a link in a notification leads there; the download is audited).
FILES = {**OWNER_ONLY, "authority": "200", "review_body": "200"}
# Portal pages of one's own account (lists, 新建): every logged-in applicant.
ANY_APPLICANT = expect("404", anonymous="login", applicant="200", other_enterprise="200")
# One's own messages: staff receive them too (a submission is announced to the authority's staff).
ANY_USER = expect("200", anonymous="login")
# Pages for visitors: a logged-in user is sent on (applicants to 我的办事, staff to the admin).
VISITORS_ONLY = expect(
    "admin_home", anonymous="200", applicant="redirect /accounts/my/", other_enterprise="redirect /accounts/my/"
)
# 许可申请办理: the organisations guardian gave the application; applicants have no admin at all.
ADMIN_DENIED_TO_APPLICANTS = {"anonymous": "admin_login", "applicant": "admin_login", "other_enterprise": "admin_login"}


def handled_by(*roles, others="404", editor="404"):
    return {
        **expect(others, editor=editor),
        **ADMIN_DENIED_TO_APPLICANTS,
        **{role: "200" for role in roles},
    }


# Staff screens behind a model permission none of the nine roles holds (only superusers).
NO_ROLE = expect("admin_home", **ADMIN_DENIED_TO_APPLICANTS)
PUBLIC = expect("200")


def pk_of(name):
    return lambda world: {"pk": world.objects[name].pk}


def schema_values(world):
    return {
        "pk": world.objects["form"].pk,
        "revision_id": world.objects["revision"].pk,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
    }


def serve_cases():
    return {
        "home": lambda w: {0: ""},
        "catalogue": lambda w: {0: "catalogue/"},
        "item": lambda w: {0: "catalogue/pressure-vessel-manufacture/"},
        "guide": lambda w: {0: "guide/"},
        "missing": lambda w: {0: "no-such-page/"},
    }


EXPECTED = {
    # accounts: public pages and the applicant's own 我的办事
    "set_language": Own(expect("redirect /"), post=False),
    "accounts:register": Own(PUBLIC, post=False),
    "accounts:user_type_guide": Own(PUBLIC, post=False),
    "accounts:register_done": Own(PUBLIC, post=False),
    "accounts:register_individual": Own(expect("redirect /accounts/my/", anonymous="200"), post=False),
    "accounts:register_enterprise": Own(expect("redirect /accounts/my/", anonymous="200"), post=False),
    "accounts:register_institution": Own(expect("redirect /accounts/my/", anonymous="200"), post=False),
    "accounts:login": Own(VISITORS_ONLY, post=False),
    # 完善所在地: for an applicant account without a region; one that has it is sent on to 我的办事.
    "accounts:complete_region": Own(
        expect(
            "404",
            anonymous="login",
            applicant="redirect /accounts/my/",
            other_enterprise="redirect /accounts/my/",
        ),
        allowed=APPLICANTS,
    ),
    "accounts:logout": Own(expect("405"), post=False),
    "accounts:password_reset": Own(PUBLIC, post=False),
    "accounts:send_sms_code": Own(expect("405"), post=False),
    "session_keepalive": Own(expect("405"), post=False),
    "accounts:region_children": Own(PUBLIC, post=False),
    # Staff have no 我的办事: they are sent to the admin.
    "my_services": Own({**ANY_APPLICANT, **dict.fromkeys(STAFF, "admin_home")}),
    # 账号信息: each applicant its own organisation's (no object in the URL); staff a 404.
    "accounts:account": Own(ANY_APPLICANT),
    "accounts:account_mobile": Own(ANY_APPLICANT),
    "accounts:account_password": Own(ANY_APPLICANT),
    # the applicant portal
    "applications:list": Own(ANY_APPLICANT),
    "applications:new": Own(ANY_APPLICANT),
    "applications:notifications": Own(ANY_USER),
    # POST only, and only on the user's own messages: nobody is an outsider to it.
    "applications:notifications_read_all": Own(expect("405", anonymous="login"), allowed=ROLES[1:]),
    # Opening a message marks it read and follows its link (the application's detail).
    "applications:notification": Own(
        {**OWNER_ONLY, "applicant": "redirect /applications/*"},
        values=lambda w: {"pk": w.objects["notification"].pk},
        allowed=("applicant",),
    ),
    "applications:document": Own(FILES, state=S.REVIEWED),
    "applications:detail": Own(OWNER_ONLY, state=S.REVIEWED),
    "applications:page": Own(OWNER_ONLY, state=S.DRAFT),
    # POST only (JSON): 401 for anonymous POSTs, 404 for other users' drafts.
    "applications:autosave": Own(expect("405"), state=S.DRAFT, allowed=("applicant",)),
    "applications:print_page": Own(OWNER_ONLY, state=S.DRAFT),
    "applications:print": Own(OWNER_ONLY, state=S.REVIEWED),
    # 许可项目表: the application's items to print and sign, its own organisation only.
    "applications:items_table": Own(OWNER_ONLY, state=S.DRAFT),
    "applications:check": Own(OWNER_ONLY, state=S.DRAFT),
    "applications:delete": Own(OWNER_ONLY, state=S.DRAFT),
    "applications:attachment": Own(FILES, state=S.REVIEWED),
    "applications:correction": Own(OWNER_ONLY, state=S.CORRECTION_REQUESTED),
    "applications:review_date": Own(OWNER_ONLY, state=S.ACCEPTED),
    "applications:feedback": Own(OWNER_ONLY, state=S.REVIEWED),
    "applications:withdraw": Own(OWNER_ONLY, state=S.SUBMITTED),
    # 上传整改报告: while the review body's 整改 request awaits the report.
    "applications:rectification": Own(OWNER_ONLY, values=lambda w: {"uuid": w.objects["rectification_open"].uuid}),
    # 我的许可证: every applicant has the list (empty for another enterprise); a licence, its 增项
    # page and the 换证/变更 starts (POST only) belong to members of the holder organisation.
    "applications:licences": Own(ANY_APPLICANT),
    "applications:licence": Own(OWNER_ONLY, values=pk_of("licence")),
    "applications:licence_add_items": Own(OWNER_ONLY, values=pk_of("licence")),
    "applications:licence_renew": Own(
        expect("405", anonymous="login", **dict.fromkeys(STAFF, "404")), values=pk_of("licence"), allowed=("applicant",)
    ),
    "applications:licence_change": Own(
        expect("405", anonymous="login", **dict.fromkeys(STAFF, "404")), values=pk_of("licence"), allowed=("applicant",)
    ),
    # 许可申请办理 (Wagtail admin)
    # The queue: every authority and review body (each sees its own rows); an editor is refused by
    # the permission policy (Wagtail's redirect), and per application by the lookup (404).
    "licensing:index": Own(handled_by(*STAFF[:5], editor="admin_home")),
    "licensing:index_results": Own(handled_by(*STAFF[:5], editor="admin_home")),
    "licensing:detail": Own(handled_by("authority", "review_body"), state=S.REVIEWED),
    "licensing:print": Own(handled_by("authority", "review_body"), state=S.REVIEWED),
    "licensing:attachment": Own(handled_by("authority", "review_body"), state=S.REVIEWED),
    "licensing:document": Own(handled_by("authority", "review_body"), state=S.REVIEWED),
    "licensing:review_file": Own(handled_by("authority", "review_body"), state=S.REVIEWED),
    "licensing:accept": Own(handled_by("authority"), state=S.SUBMITTED),
    "licensing:request_correction": Own(handled_by("authority"), state=S.SUBMITTED),
    "licensing:refuse_acceptance": Own(handled_by("authority"), state=S.SUBMITTED),
    "licensing:propose_review_dates": Own(handled_by("review_body"), state=S.ACCEPTED),
    "licensing:agree_review_date": Own(handled_by("review_body"), state=S.ACCEPTED),
    "licensing:submit_review_report": Own(handled_by("review_body"), state=S.REVIEW_SCHEDULED),
    # 整改: the review body asks and confirms; the 整改报告 is read by both staff parties.
    "licensing:request_rectification": Own(handled_by("review_body"), state=S.REVIEW_SCHEDULED),
    "licensing:confirm_rectification": Own(handled_by("review_body"), values=pk_of("rectification_reported")),
    "licensing:rectification_report": Own(
        handled_by("authority", "review_body"),
        values=lambda w: {"pk": w.objects["rectification_reported"].pk, "file_uuid": w.objects["rectification"].uuid},
    ),
    "licensing:approve": Own(handled_by("authority"), state=S.REVIEWED),
    "licensing:deny": Own(handled_by("authority"), state=S.REVIEWED),
    # 许可证登记: every authority (its own licences; SAMR all of them); review bodies and editors
    # are refused by the permission policy.
    "licences:index": Own(handled_by("authority", "other_authority", "samr", others="admin_home", editor="admin_home")),
    "licences:index_results": Own(
        handled_by("authority", "other_authority", "samr", others="admin_home", editor="admin_home")
    ),
    # Staff second factor (TOTP): the matrix's staff sessions are verified, so both pages send
    # them on; applicants have no second factor (404).
    "staff_2fa:verify": Own(
        expect("admin_home", anonymous="admin_login", applicant="404", other_enterprise="404"), allowed=STAFF
    ),
    "staff_2fa:enrol": Own(
        expect(
            "redirect /admin/2fa/verify/?next=/admin/", anonymous="admin_login", applicant="404", other_enterprise="404"
        ),
        allowed=STAFF,
    ),
    # 审计日志 (transitions and downloads): behind its own permission, which no role here holds.
    "audit_transitions:index": Own(NO_ROLE),
    "audit_transitions:results": Own(NO_ROLE),
    "audit_downloads:index": Own(NO_ROLE),
    "audit_downloads:results": Own(NO_ROLE),
    # 发送记录 (the outbox) and its 重新发送 (POST): behind accounts.view_/retry_outboundmessage,
    # which no role here holds (superusers and the groups given them).
    "outbox:index": Own(NO_ROLE),
    "outbox:index_results": Own(NO_ROLE),
    "outbox:retry": Own(NO_ROLE, values=lambda w: {"pk": 1}),
    # 电子签章证书: superusers and workflows.manage_signingidentity, which no role here holds.
    **{
        f"signing_identities:{name}": Own(NO_ROLE, values=pk_of("signing_identity"))
        for name in ("index", "index_results", "add", "edit", "delete", "history", "history_results", "usage")
    },
    # 统计分析: every authority (its own jurisdiction; SAMR all); review bodies and editors are
    # refused like the other staff screens (Wagtail's redirect to the dashboard).
    "statistics:index": Own(
        expect("admin_home", **ADMIN_DENIED_TO_APPLICANTS, authority="200", other_authority="200", samr="200")
    ),
    # 许可证查询: public to everyone, logged in or not (GET only; the answer is the same for all).
    "verify_license": Own(PUBLIC, post=False),
    # 核验文件 on that page: anyone may POST a PDF (with the page's CSRF token); a GET goes to the page.
    "verify_document": Own(expect("redirect /verify/"), allowed=ROLES),
    # 接口令牌 (我的办事): every applicant organisation's members; staff have none (404). Revoking
    # without an active token sends the member back to the page.
    "api_token:manage": Own(ANY_APPLICANT),
    "api_token:revoke": Own(
        {**ANY_APPLICANT, **dict.fromkeys(APPLICANTS, "redirect /accounts/api-token/")}, allowed=APPLICANTS
    ),
    # The JSON API: only a bearer token counts, a session of any role is a 401 (tests/api/).
    "api:application_list": Own(expect("401")),
    "api:application_detail": Own(expect("401"), values=lambda w: {"reference": w.apps[S.REVIEWED].reference}),
    "api:licence_verify": Own(expect("401")),
    "api:document_verify": Own(expect("401")),
    "api:schema": Own(PUBLIC, post=False),
    "api:not_found": Own(expect("404")),
    # CMS pages: public
    "wagtail_serve": Own(PUBLIC, cases=serve_cases(), post=False),
}
_ORGANISATION_SCREENS = {
    "accounts_applicants": "enterprise",
    "accounts_authorities": "authority_org",
    "accounts_review_bodies": "review_body_org",
    "workflows_calendar": "calendar_day",
}
for _namespace, _object in _ORGANISATION_SCREENS.items():
    _names = ("index", "index_results", "add", "edit", "delete", "history", "history_results", "usage")
    for _name in _names + (("copy",) if _namespace == "workflows_calendar" else ()):
        EXPECTED[f"{_namespace}:{_name}"] = Own(NO_ROLE, values=pk_of(_object))
for _name in ("approve", "reject", "licence"):
    EXPECTED[f"accounts_applicants:{_name}"] = Own(NO_ROLE, values=pk_of("institution"))

# 申请书表单 (the form-schema snippet): the editor's tool; the demo editor may not delete. 导出 JSON
# (view/change) and 导入表单 (add) are the editor's too (forms_config.transfer_views), as are 版本
# (view/change) and 确认发布 (publish; forms_config.version_views), and 预览 (Wagtail's preview views:
# change, or add for a new form; forms_config/preview.py).
_SCHEMA = "wagtailsnippets_forms_config_applicationformschema"
for _name in (
    "list",
    "list_results",
    "add",
    "edit",
    "delete",
    "usage",
    "history",
    "history_results",
    "copy",
    "revisions_revert",
    "revisions_compare",
    "revisions_unschedule",
    "unpublish",
    "export",
    "import",
    "versions",
    "confirm_publish",
    "preview_on_add",
    "preview_on_edit",
    "revisions_view",
):
    EXPECTED[f"{_SCHEMA}:{_name}"] = Own(
        expect("admin_home", **ADMIN_DENIED_TO_APPLICANTS, editor="admin_home" if _name == "delete" else "200"),
        values=schema_values,
    )

# --- Wagtail's and Django's own admin URLs --------------------------------------------------
# Wagtail's namespaces and names all start with "wagtail" (ours never do; wagtail_serve and the
# form-schema snippet are in EXPECTED, which is looked at first).
THIRD_PARTY_PREFIX = "wagtail"
# Reachable without logging in, by design (login, static catalogues). Wagtail's e-mail password
# reset is not: WAGTAIL_PASSWORD_RESET_ENABLED is off, so its four pages must answer 404.
THIRD_PARTY_PUBLIC = {
    "wagtailadmin_login",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "wagtailcore_login",
    "wagtailcore_authenticate_with_password",
    "wagtaildocs_serve",
    "wagtaildocs_authenticate_with_password",
}
# Management screens no role of the matrix may open (only superusers): no 200 for anyone.
MANAGEMENT_NAMESPACES = (
    "wagtailusers_users",
    "wagtailusers_groups",
    "wagtailsites",
    "wagtailsettings",
    "wagtailredirects",
    "wagtailadmin_collections",
)
UNNAMED = {
    "<unnamed> admin/test404/": "/admin/test404/",
    "<unnamed> admin/^.*/$": "/admin/no-such-screen/",
}
# URLs not requested, each with the reason. Nothing else is left out.
SKIPPED = {
    "wagtailadmin_error_test": "Wagtail's /admin/failwhale/ raises on purpose to test the 500 page",
}


def classify(route):
    """ "own", "third_party", "skipped" or None (unclassified)."""
    if route.key in SKIPPED:
        return "skipped"
    if route.key in EXPECTED:
        return "own"
    if route.key in UNNAMED:
        return "third_party"
    if route.name and route.name.startswith(THIRD_PARTY_PREFIX):
        return "third_party"
    return None


ROUTES = {route.key: route for route in collect_routes()}
REFUSED = {"401", "404", "405", "login", "admin_login", "admin_home"}


def matrix_size():
    """(URL patterns checked, (URL × role) pairs checked, URLs skipped with a reason)."""
    urls = pairs = 0
    for key, route in ROUTES.items():
        kind = classify(route)
        if kind == "own":
            own = EXPECTED[key]
            urls += 1
            requests = len(own.cases) or 1
            pairs += requests * len(ROLES)
            if own.post:
                pairs += requests * len(own.outsiders(own.expected))
        elif kind == "third_party":
            urls += 1
            pairs += len(ROLES)
    return urls, pairs, len(SKIPPED)
