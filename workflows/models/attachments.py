"""Files an applicant uploads into a file field of the form (申请材料)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage, private_upload_path


class ApplicationAttachment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, related_name="attachments", verbose_name=_("许可申请")
    )
    field_key = models.CharField(_("字段键"), max_length=50)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=private_upload_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self):
        return self.original_name

    def as_raw(self):
        """How the draft's data refers to this file."""
        return {"id": str(self.uuid), "name": self.original_name, "size": self.size}
