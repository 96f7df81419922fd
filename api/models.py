"""接口令牌 (ApiToken): how an applicant organisation's own systems read the JSON API.

A token belongs to an organisation, not to a person: it keeps working when the employee who made
it leaves, and an organisation has at most one active token (a partial unique constraint), so
"which key is out there" always has one answer. Making a new token revokes the old one in the same
transaction (api.tokens.issue_token): rotating is one step, never two keys at once.

Only a SHA-256 hash of the secret is stored, plus a short visible prefix so people can tell keys
apart; the secret itself is shown once, when it is made. A revoked token stays as a row (who made
it, when it was last used, who revoked it) and answers 401 from then on.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApiScope(models.TextChoices):
    APPLICATIONS_READ = "applications:read", _("查询本单位的许可申请")
    LICENCES_VERIFY = "licences:verify", _("核验许可证")


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("单位")
    )
    name = models.CharField(_("名称"), max_length=60)
    scopes = models.JSONField(_("权限范围"), default=list)
    prefix = models.CharField(_("令牌前缀"), max_length=16)
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤销人"),
    )

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(revoked_at__isnull=True),
                name="api_one_active_token_per_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.prefix}…"

    @property
    def is_active(self):
        return self.revoked_at is None

    def has_scope(self, scope):
        return scope in (self.scopes or [])

    def scope_labels(self):
        labels = dict(ApiScope.choices)
        return [labels.get(scope, scope) for scope in self.scopes or []]
