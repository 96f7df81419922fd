"""Documents issued on an application (docs/domain.md, "Documents issued"): stored PDFs that never change.

A document is rendered once, when it is issued, through the one PDF helper and stored with the
application; downloads serve the stored bytes, so an edited template or a renamed review body
never alters what was issued. Numbers come from DocumentSequence, one counter per authority,
kind and year, taken under a row lock.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage, private_upload_path


class DocumentKind(models.TextChoices):
    CORRECTION_NOTICE = "correction_notice", _("补正告知书")
    ACCEPTANCE_DECISION = "acceptance_decision", _("受理决定书")
    NON_ACCEPTANCE_DECISION = "non_acceptance_decision", _("不予受理决定书")
    LICENSE_DECISION = "license_decision", _("准予许可决定书")
    LICENSE = "license", _("许可证")
    DENIAL_DECISION = "denial_decision", _("不予许可决定书")
    REVIEW_FEEDBACK = "review_feedback", _("评审反馈表")


class Document(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "workflows.Application", on_delete=models.PROTECT, related_name="documents", verbose_name=_("许可申请")
    )
    kind = models.CharField(_("文书种类"), max_length=30, choices=DocumentKind.choices)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=private_upload_path, max_length=200)
    # Indexed: 许可证查询's 核验文件 finds the issued document by the uploaded file's hash
    # (workflows/signature_check.py).
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("签发人")
    )
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    event = models.ForeignKey(
        "workflows.ApplicationEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("办理记录"),
    )

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        indexes = [models.Index(fields=["application", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("已签发的文书不能修改。"), code="immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("已签发的文书不能删除。"), code="immutable")

    @property
    def filename(self):
        return f"{self.get_kind_display()}-{self.number or self.application.reference}.pdf"

    def read(self):
        with self.file.open("rb") as handle:
            return handle.read()

    @staticmethod
    def digest(content):
        return hashlib.sha256(content).hexdigest()


class DocumentSequence(models.Model):
    """The last number given for one authority, document kind and year."""

    authority = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "kind", "year"], name="one_sequence_per_year")]
        verbose_name = _("文号序列")
        verbose_name_plural = _("文号序列")

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last}"
