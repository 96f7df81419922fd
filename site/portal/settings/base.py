"""Settings shared by every environment. Environment variables are read only via env.py."""

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from . import env

# site/portal/settings/base.py -> repository root
BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(env.get("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = False
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "accounts",
    "cms",
    "forms_config",
    "workflows",
    "api",  # the read-only JSON API with per-organisation tokens (api/views.py)
    "forms_config.apps.WagtailStreamFormsConfig",
    "wagtail_modeladmin",
    "generic_chooser",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "portal.apps.PortalUsersAppConfig",  # wagtail.users with the staff user forms
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "guardian",
    "axes",
    "csp",  # Content-Security-Policy (portal.security.PortalCSPMiddleware)
    "accounts.two_factor",  # staff second factor (TOTP), on django-otp
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
    "rest_framework",
    "drf_spectacular",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security.PortalCSPMiddleware",
    "portal.security.PermissionsPolicyMiddleware",
    # Above the page cache, like every security header: a cached page carries it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.sessions.IdleTimeoutSessionMiddleware",  # Django's, renewing the idle timeout once a minute
    "portal.middleware.ChosenLanguageMiddleware",
    # Anonymous public pages from the shared cache, before anything per-user runs.
    "core.page_cache.PublicPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in user's pages: Cache-Control: private, no-store unless the view chose otherwise.
    "portal.private_pages.PrivatePagesMiddleware",
    # Staff second factor: django-otp marks the session verified or not, ours sends an unverified
    # staff session to the TOTP page (accounts/two_factor/).
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: it turns a lockout signal into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "workflows.context_processors.unread_notifications",
            ],
        },
    },
]

# Widgets render with the project's template engine, so templates/ can override their templates:
# templates/wagtailadmin/widgets/ keeps the admin's date pickers free of inline scripts (CSP below).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.database(VAR_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.PasswordComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "my_services"
LOGOUT_REDIRECT_URL = "accounts:login"

# Guardian: no anonymous user row; anonymous visitors never hold object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Login lockout (GB/T 22239 level 3): 5 failures per username+IP lock for 30 minutes.
AXES_FAILURE_LIMIT = env.get_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env.get_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The same client address as the per-IP limits (REMOTE_ADDR unless TRUSTED_PROXY_COUNT says otherwise).
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
# Beside it, failed logins per client IP whatever the username (password spraying;
# accounts/login_limits.py): per clock hour / per local day, then 429 until the window ends. An office
# behind one NAT address shares them, hence the room; 0 switches one off.
LOGIN_FAILURE_HOURLY_LIMIT_PER_IP = env.get_int("LOGIN_FAILURE_HOURLY_LIMIT_PER_IP", 30)
LOGIN_FAILURE_DAILY_LIMIT_PER_IP = env.get_int("LOGIN_FAILURE_DAILY_LIMIT_PER_IP", 100)
# Wagtail's own e-mail password reset (/admin/password_reset/) is off: staff passwords are reset by an
# administrator, applicants' by SMS code (docs/operations.md), so there is no third, unthrottled way.
WAGTAIL_PASSWORD_RESET_ENABLED = False

# Staff (everyone who can reach the Wagtail admin) log in with password + TOTP code (GB/T 22239
# level 3, privileged users); applicants are not affected. Switch off only for local development.
STAFF_2FA_REQUIRED = env.get_bool("STAFF_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = "特种设备行政许可申报系统"

# Sessions end after inactivity (29–30 minutes: see portal/sessions.py).
SESSION_COOKIE_AGE = env.get_int("SESSION_IDLE_MINUTES", 30) * 60
# Renewed by portal.sessions at most once a minute, not on every request (SESSION_SAVE_EVERY_REQUEST
# would write the session row on each one).
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Response headers (docs/operations.md, "Security settings"); HSTS and secure cookies are in production.py.
# Scripts only from our static files: no 'unsafe-inline', no eval. Data for scripts goes in data-*
# attributes or json_script (type="application/json", which is never executed).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        # Not 'none': the Wagtail admin previews pages in a same-origin iframe.
        "frame-ancestors": [SELF],
    }
}
# The Wagtail admin's scripts are held to the same rule (portal/security.py says how its inline
# scripts are avoided); it still needs inline style attributes and shows uploads as blob: previews.
CSP_ADMIN_URL_PREFIXES = ("/admin/",)
CSP_ADMIN_EXTRA_SOURCES = {"style-src": [UNSAFE_INLINE], "img-src": ["blob:"]}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views answer SAMEORIGIN themselves
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No calls from staff browsers or the server to third parties: no Gravatar, no update check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# core/page_cache.py: anonymous views of the public CMS pages, invalidated on every publish.
PAGE_CACHE_SECONDS = env.get_int("PAGE_CACHE_SECONDS", 300)
PAGE_CACHE_EXCLUDED_PREFIXES = ("/admin/", "/accounts/", "/applications/", "/documents/", "/i18n/", "/static/")

if env.REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": env.REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            "KEY_PREFIX": "portal",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
# The project's own catalogue first (it wins); then locale/upstream, the Chinese of strings Wagtail, Django and
# the other apps ship untranslated (locale/upstream_gaps.py). makemessages writes only to the first one.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "upstream"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Applicants' uploads (business licences, attachments) are never served from MEDIA_URL:
# they live in a separate root and go out only through permission-checked views.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Business licence upload: checked by content (magic bytes), not by file name.
BUSINESS_LICENCE_MAX_BYTES = env.get_int("BUSINESS_LICENCE_MAX_MB", 5) * 1024 * 1024

# SMS verification codes (see accounts/sms/). The backend is pluggable like EMAIL_BACKEND.
SMS_BACKEND = env.get("SMS_BACKEND", "accounts.sms.backends.console.ConsoleBackend")
# Real providers (accounts/sms/backends/aliyun.py, tencent.py; docs/operations.md "SMS providers").
# They send only approved templates: each logical template maps to the provider's own. Secrets
# come from the environment only; the accounts.E001 check refuses to start with a gap.
SMS_PROVIDER_CONNECT_TIMEOUT_SECONDS = env.get_int("SMS_PROVIDER_CONNECT_TIMEOUT_SECONDS", 3)
SMS_PROVIDER_READ_TIMEOUT_SECONDS = env.get_int("SMS_PROVIDER_READ_TIMEOUT_SECONDS", 5)
SMS_ALIYUN_ACCESS_KEY_ID = env.get("SMS_ALIYUN_ACCESS_KEY_ID", "")
SMS_ALIYUN_ACCESS_KEY_SECRET = env.get("SMS_ALIYUN_ACCESS_KEY_SECRET", "")
SMS_ALIYUN_SIGN_NAME = env.get("SMS_ALIYUN_SIGN_NAME", "")
SMS_ALIYUN_TEMPLATES = {
    "verification_code": env.get("SMS_ALIYUN_TEMPLATE_VERIFICATION_CODE", ""),
    "notice": env.get("SMS_ALIYUN_TEMPLATE_NOTICE", ""),
}
SMS_ALIYUN_ENDPOINT = env.get("SMS_ALIYUN_ENDPOINT", "dysmsapi.aliyuncs.com")
SMS_ALIYUN_PARAM_MAX_CHARS = env.get_int("SMS_ALIYUN_PARAM_MAX_CHARS", 35)  # per variable; longer ends in …
SMS_TENCENT_SECRET_ID = env.get("SMS_TENCENT_SECRET_ID", "")
SMS_TENCENT_SECRET_KEY = env.get("SMS_TENCENT_SECRET_KEY", "")
SMS_TENCENT_SDK_APP_ID = env.get("SMS_TENCENT_SDK_APP_ID", "")
SMS_TENCENT_SIGN_NAME = env.get("SMS_TENCENT_SIGN_NAME", "")
SMS_TENCENT_REGION = env.get("SMS_TENCENT_REGION", "ap-guangzhou")
SMS_TENCENT_TEMPLATES = {  # Tencent templates are positional: {1}, {2} take the params in this order
    "verification_code": {"id": env.get("SMS_TENCENT_TEMPLATE_VERIFICATION_CODE", ""), "params": ["code"]},
    "notice": {"id": env.get("SMS_TENCENT_TEMPLATE_NOTICE", ""), "params": ["reference", "message"]},
}
SMS_TENCENT_ENDPOINT = env.get("SMS_TENCENT_ENDPOINT", "sms.tencentcloudapi.com")
SMS_TENCENT_PARAM_MAX_CHARS = env.get_int("SMS_TENCENT_PARAM_MAX_CHARS", 0)  # 0: no limit (企业认证 accounts)
SMS_CODE_TTL_SECONDS = 300
SMS_CODE_MAX_ATTEMPTS = 5
SMS_RESEND_INTERVAL_SECONDS = 60
SMS_DAILY_LIMIT_PER_PHONE = 10
# Per client IP (core/ratelimit.py, counters in the cache = Redis when REDIS_URL is set):
# codes sent per clock hour / per calendar day, registrations per hour / per day. 0 switches one off.
SMS_HOURLY_LIMIT_PER_IP = env.get_int("SMS_HOURLY_LIMIT_PER_IP", 10)
SMS_DAILY_LIMIT_PER_IP = env.get_int("SMS_DAILY_LIMIT_PER_IP", 30)
REGISTRATION_HOURLY_LIMIT_PER_IP = env.get_int("REGISTRATION_HOURLY_LIMIT_PER_IP", 5)
REGISTRATION_DAILY_LIMIT_PER_IP = env.get_int("REGISTRATION_DAILY_LIMIT_PER_IP", 20)
# Registration POSTs carrying a file, successful or not (each is checked by content and may be kept).
REGISTRATION_UPLOAD_HOURLY_LIMIT_PER_IP = env.get_int("REGISTRATION_UPLOAD_HOURLY_LIMIT_PER_IP", 10)
REGISTRATION_UPLOAD_DAILY_LIMIT_PER_IP = env.get_int("REGISTRATION_UPLOAD_DAILY_LIMIT_PER_IP", 40)
# Business licences kept across a failed registration form (accounts/uploads.py, one hour each).
REGISTRATION_STASH_MAX_MB_PER_IP = env.get_int("REGISTRATION_STASH_MAX_MB_PER_IP", 20)
REGISTRATION_STASH_MAX_MB_TOTAL = env.get_int("REGISTRATION_STASH_MAX_MB_TOTAL", 500)
# Answers "this username / mobile / ID number is already registered" per hour / per day (enumeration).
ENUMERATION_HOURLY_LIMIT_PER_IP = env.get_int("ENUMERATION_HOURLY_LIMIT_PER_IP", 10)
ENUMERATION_DAILY_LIMIT_PER_IP = env.get_int("ENUMERATION_DAILY_LIMIT_PER_IP", 30)
# 许可证查询 (workflows/views/verify.py): lookups per hour / per day, so credit codes cannot be walked.
LICENSE_VERIFY_HOURLY_LIMIT_PER_IP = env.get_int("LICENSE_VERIFY_HOURLY_LIMIT_PER_IP", 60)
LICENSE_VERIFY_DAILY_LIMIT_PER_IP = env.get_int("LICENSE_VERIFY_DAILY_LIMIT_PER_IP", 300)
# ... and per organisation (an API token's, a logged-in visitor's), the page and the API together
# (workflows/verification.py check_lookup_allowed): a new token brings no fresh allowance.
LICENSE_VERIFY_HOURLY_LIMIT_PER_ORGANISATION = env.get_int("LICENSE_VERIFY_HOURLY_LIMIT_PER_ORGANISATION", 60)
LICENSE_VERIFY_DAILY_LIMIT_PER_ORGANISATION = env.get_int("LICENSE_VERIFY_DAILY_LIMIT_PER_ORGANISATION", 300)
# How many reverse proxies of ours append to X-Forwarded-For; 0 (default) trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.get_int("TRUSTED_PROXY_COUNT", 0)

# Background jobs (Celery, portal/celery.py; docs/operations.md, "Background jobs"). The broker is
# Redis: CELERY_BROKER_URL, else REDIS_URL outside production (production.py requires the former).
# dev.py and test.py run tasks eagerly in-process instead, so `make run` needs no broker.
CELERY_BROKER_URL = env.get("CELERY_BROKER_URL") or env.REDIS_URL or "memory://"
CELERY_TASK_DEFAULT_QUEUE = env.get("CELERY_QUEUE", "portal")
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the task to another, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # nobody reads results; the outbox row is the record
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down at commit time must not hold up the request for long (Celery's publish
# retry policy gives up after about 0.6 s on a refused connection; an unanswered one is cut at 2 s
# per try): the row stays pending and deliver_due picks it up (accounts/outbox.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")  # when each job last ran
CELERY_BEAT_SCHEDULE = {
    "deliver-due-messages": {"task": "accounts.tasks.deliver_due", "schedule": 5 * 60},
    "purge-expired": {
        "task": "workflows.tasks.purge_expired",
        "schedule": crontab(hour=2, minute=30),
    },
    "send-license-reminders": {
        "task": "workflows.tasks.send_license_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "sweep-deadlines": {
        "task": "workflows.tasks.sweep_deadlines",
        "schedule": crontab(hour=1, minute=15),
    },
}
# The outbox (accounts/outbox.py, accounts/tasks.py): a failed delivery is tried again after each
# of these delays (seconds), 5 tries over about an hour; then the row is 发送失败 for staff to retry.
OUTBOX_RETRY_DELAYS = [4 * 60, 8 * 60, 16 * 60, 32 * 60]
# Sent and failed rows (addresses and mobiles: personal data) are deleted by purge_expired after this.
OUTBOX_RETENTION_DAYS = env.get_int("OUTBOX_RETENTION_DAYS", 180)
# SMTP (Django's EMAIL_* settings): a hung mail server must not hold a worker for long.
EMAIL_HOST = env.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env.get_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Retention (PIPL art. 19: no longer than the purpose needs), applied by `manage.py purge_expired`:
# drafts nobody has saved for this many days are deleted with their files; SMS codes after 2 days.
# Audit records (transitions, downloads) are never purged: GB/T 22239 asks for at least 6 months.
DATA_RETENTION = {
    "DRAFT_RETENTION_DAYS": env.get_int("DRAFT_RETENTION_DAYS", 365),
    "SMS_CODE_RETENTION_DAYS": 2,
}

# The CJK TrueType font every PDF embeds (forms_config/pdf.py); empty means the first installed of
# the usual Debian fonts, WenQuanYi Micro Hei (fonts-wqy-microhei) first.
PDF_CJK_FONT = env.get("PDF_CJK_FONT", "")
# Load xhtml2pdf and that font when each process starts (forms_config/apps.py), so the first PDF after
# a start is as quick as the next; a second or so per start. Off only for test runs (test.py).
PDF_WARM_UP = env.get_bool("PDF_WARM_UP", True)
# An RFC 3161 timestamp service for issued documents' signatures (workflows/pdf_signing.py): with
# a URL, each signature carries a timestamp token (PAdES B-T), so it stays provably made while the
# certificate was valid after that certificate expires or is revoked. Off (empty) by default.
SIGNING_TSA_URL = env.get("SIGNING_TSA_URL", "")
SIGNING_TSA_TIMEOUT = env.get_int("SIGNING_TSA_TIMEOUT", 10)

# Application form field types are ours (forms_config/wagtailstreamforms_fields.py): the built-in
# ones derive a field's name from its label, which breaks stored data when a label is edited.
WAGTAILSTREAMFORMS_ENABLED_FIELDS = ()
WAGTAILSTREAMFORMS_ADVANCED_SETTINGS_MODEL = None
# The template choice of its form editor, named in Chinese (the app's default names it in English).
WAGTAILSTREAMFORMS_FORM_TEMPLATES = [("streamforms/form_block.html", _("默认表单模板"))]

WAGTAIL_SITE_NAME = "特种设备行政许可申报系统"
WAGTAILADMIN_BASE_URL = env.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The public site's address, printed in every licence's QR code and verification link
# (workflows/verification.py public_base_url): PORTAL_BASE_URL, else WAGTAILADMIN_BASE_URL when that is
# set. Empty on a laptop with neither: the licence then carries the host the approving request
# came to. production.py always has one (WAGTAILADMIN_BASE_URL is required there).
PORTAL_BASE_URL = env.get("PORTAL_BASE_URL") or env.get("WAGTAILADMIN_BASE_URL", "")
# The key of the licence verification codes; SECRET_KEY when unset. Codes are stored at issue
# time, so changing it affects only licences issued afterwards.
LICENSE_VERIFICATION_KEY = env.get("LICENSE_VERIFICATION_KEY", "")
# Signed documents (workflows/signing.py, docs/operations.md "Signing certificates"): with this on, an
# authority without an active 电子签章证书 cannot issue a document (the action fails); off, it issues
# them unsigned. Off here and in dev/test, on in production.py.
DOCUMENT_SIGNING_REQUIRED = env.get_bool("DOCUMENT_SIGNING_REQUIRED", False)
# PEM files of further root certificates a signature on an uploaded PDF may chain to, beside the
# roots of the authorities' own certificate chains (workflows.signing.trust_roots).
SIGNING_TRUST_ROOTS = env.get_list("SIGNING_TRUST_ROOTS")
WAGTAIL_I18N_ENABLED = False
# 帐号 → 区域设置 offers the portal's two languages, not Wagtail's forty (each named in its own
# language), and no time zone: the service runs on China's time (TIME_ZONE), one zone hides the field.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The staff user forms (mobile, organisation) come from accounts.viewsets.StaffUserViewSet,
# chosen by portal.apps.PortalUsersAppConfig: Wagtail 8 ignores the old WAGTAIL_USER_* settings.

# The JSON API (api/): JSON only (no browsable API and its inline scripts), our bearer tokens only
# (no session, so no CSRF question; no Basic, so no password guessing around django-axes), a rate
# per token. Wagtail's admin API sets its own renderers, session authentication and pagination;
# the throttles below count only requests that carry one of our tokens.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_token": env.get("API_RATE_PER_TOKEN", "120/minute"),
        "api_anon": env.get("API_RATE_ANONYMOUS", "30/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["rest_framework.filters.OrderingFilter"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Special equipment licensing portal: JSON API",
    "DESCRIPTION": "Read-only: the token's organisation's applications and licence verification. "
    "Each organisation makes its token on the portal at /accounts/api-token/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["api.schema.only_our_api"],
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStateEnum": "workflows.models.applications.ApplicationState",
        "ApplicationKindEnum": "workflows.models.applications.ApplicationKind",
        "LicenceStatusEnum": "workflows.models.licences.LicenseStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # ID numbers and mobiles are masked in every record a handler writes (accounts/logging.py).
    "filters": {"redact_personal_data": {"()": "accounts.logging.RedactPersonalDataFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_personal_data"]}
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "django": {"handlers": ["console"], "level": env.get("DJANGO_LOG_LEVEL", "INFO"), "propagate": False},
    },
}
