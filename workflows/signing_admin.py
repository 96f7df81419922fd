"""电子签章证书 in the Wagtail admin (设置 menu): which certificate each authority signs its documents
with (workflows/signing.py; docs/operations.md, "Signing certificates").

Who: superusers and groups given 可以管理电子签章证书 (workflows.manage_signingidentity). Saving
loads the key and the certificate as signing would (the passphrase or PIN must be in the server's
environment) and refuses in Chinese when it cannot; what was loaded is recorded. An identity is
never deleted and its certificate never replaced: rotation is a new identity made active, so the
documents signed before keep naming their signer.
"""

import re

from django import forms
from django.contrib.auth.models import Permission
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.admin_forms import StaffOrganisationField
from accounts.models import Authority

from . import signing
from .models import SigningIdentity, SigningKind

MANAGE_PERMISSION = "workflows.manage_signingidentity"
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def may_manage(user):
    return user.is_active and (user.is_superuser or user.has_perm(MANAGE_PERMISSION))


class SigningIdentityPermissionPolicy(ModelPermissionPolicy):
    """List, add and edit for holders of the one permission; delete for nobody (see above)."""

    def user_has_permission(self, user, action):
        return action in ("view", "add", "change") and may_manage(user)

    def users_with_any_permission(self, actions):
        if not set(actions) & {"view", "add", "change"}:
            return self._get_users_with_any_permission_codenames([]).none()
        return self._get_users_with_any_permission_codenames(["manage_signingidentity"])


register_permission_policy(SigningIdentity, SigningIdentityPermissionPolicy(SigningIdentity))


class SigningIdentityForm(WagtailAdminModelForm):
    authority = StaffOrganisationField(
        label=_("审批机关"),
        queryset=Authority.objects.all(),
        help_text=_("使用该证书签发文书的审批机关。"),
    )

    class Meta:
        model = SigningIdentity
        fields = [
            "authority",
            "kind",
            "pkcs12_path",
            "secret_env",
            "pkcs11_module",
            "pkcs11_token_label",
            "pkcs11_key_label",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The certificate names its authority: moving it to another would make its documents lie.
        if self.instance.pk:
            self.fields["authority"].disabled = True
        self.fields["active"].help_text = _("启用后，该机关此前启用的证书自动停用；已签发的文书仍可核验。")

    def clean_secret_env(self):
        name = self.cleaned_data["secret_env"].strip()
        if not ENV_NAME.match(name):
            raise forms.ValidationError(_("请填写环境变量的名称（字母、数字和下划线），不要填写口令本身。"))
        return name

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == SigningKind.PKCS12 and not cleaned.get("pkcs12_path"):
            self.add_error("pkcs12_path", _("请填写证书文件路径。"))
        if kind == SigningKind.PKCS11:
            for field in ("pkcs11_module", "pkcs11_key_label"):
                if not cleaned.get(field):
                    self.add_error(field, _("使用硬件密钥时必须填写此项。"))
        return cleaned

    def _get_validation_exclusions(self):
        # The one-active-per-authority constraint is kept by signing.save_identity, which
        # deactivates the previous certificate; validating it here would refuse every rotation.
        return {*super()._get_validation_exclusions(), "active"}

    def _post_clean(self):
        recorded = self.instance.fingerprint
        super()._post_clean()
        if self.errors:
            return
        identity = self.instance
        # An inactive identity being edited is not loaded: an expired certificate must stay
        # switchable off. A new one, or one being (kept) active, must load now.
        if identity.pk and not identity.active:
            return
        try:
            signing.read_certificate(identity)
        except signing.SigningError as error:
            self.add_error(None, str(error))
            return
        if recorded and identity.fingerprint != recorded:
            self.add_error(
                None,
                _(
                    "证书文件中的证书与该记录登记的不同。更换证书请新建一条电子签章证书，原证书保留以便核验此前签发的文书。"
                ),
            )
            return
        taken = SigningIdentity.objects.filter(fingerprint=identity.fingerprint).exclude(pk=identity.pk).first()
        if taken is not None:
            self.add_error(None, _("该证书已登记（%(identity)s），不能重复登记。") % {"identity": taken})

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        return signing.save_identity(self.instance, user=self.for_user)


def _validity(identity):
    return f"{identity.not_before:%Y-%m-%d} — {identity.not_after:%Y-%m-%d}"


def _fingerprint(identity):
    return format_html("<code>{}</code>", identity.short_fingerprint)


class SigningIdentityViewSet(ModelViewSet):
    model = SigningIdentity
    name = "signing_identities"
    url_prefix = "workflows/signing-identities"
    icon = "key"
    menu_label = _("电子签章证书")
    add_to_settings_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    search_backend_name = None
    list_filter = ["active", "kind"]
    ordering = ["authority__authority_level", "authority__region_id", "-active", "-created_at"]
    list_per_page = 50

    @property
    def list_display(self):
        return [
            Column("authority", label=_("审批机关"), accessor="authority"),
            Column("subject", label=_("证书主体"), accessor="subject_name"),
            Column("issuer", label=_("颁发者"), accessor="issuer_name"),
            DateColumn("not_before", label=_("有效期起"), sort_key="not_before"),
            DateColumn("not_after", label=_("有效期至"), sort_key="not_after"),
            StatusTagColumn(
                "active",
                label=_("状态"),
                accessor=lambda identity: _("启用") if identity.active else _("停用"),
                primary=lambda identity: identity.active,
            ),
            # In <code>: a hex string compared character by character, not words to read.
            Column("fingerprint", label=_("指纹"), accessor=_fingerprint),
        ]

    def get_form_class(self, for_update=False):
        return SigningIdentityForm

    def get_queryset(self, request):
        return SigningIdentity.objects.select_related("authority")

    def get_permissions_to_register(self):
        return Permission.objects.filter(content_type__app_label="workflows", codename="manage_signingidentity")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)
