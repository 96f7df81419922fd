"""System checks for accounts: `manage.py check` (and so `migrate` and `runserver`) refuses to go
on when the SMS provider cannot work, instead of the first SMS failing in production."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@checks.register("sms")
def check_sms_backend(app_configs=None, **kwargs):
    try:
        backend_class = import_string(settings.SMS_BACKEND)
    except ImportError as exc:
        return [checks.Error(f"SMS_BACKEND={settings.SMS_BACKEND!r} cannot be imported: {exc}", id="accounts.E002")]
    try:
        # Building the backend checks its settings (accounts/sms/backends/provider.py); no request is sent.
        backend_class()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="accounts.E001")]
    from .sms.backends.provider import ProviderBackend, split_endpoint

    if issubclass(backend_class, ProviderBackend):
        endpoint = getattr(settings, f"{backend_class.prefix}_ENDPOINT", "")
        if split_endpoint(endpoint)[0] != "https":
            return [
                checks.Warning(
                    f"{backend_class.prefix}_ENDPOINT={endpoint!r} is not HTTPS: phone numbers and messages "
                    "would cross the network in clear text.",
                    hint="Leave it unset for the provider's HTTPS address; plain http is for local test servers.",
                    id="accounts.W001",
                )
            ]
    return []
