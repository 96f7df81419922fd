"""附件: one file (`file`) or several (`files`), checked by content (forms_config/uploads.py).

Uploads are saved by workflows.services.attach_files, which asks the field type for
`max_files` and `validate_upload`. The raw value is the list of saved files,
[{"id": <uuid>, "name": <original name>, "size": <bytes>}]; the form field only checks that
list (required, how many), the widget only offers the <input type="file">.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from core.content_checks import display_name

from .. import uploads
from ..widgets import AttachmentInput, MultipleAttachmentInput
from .base import FILE_PREFILL_SOURCES, PREFILL_CHOICES, SchemaField

DEFAULT_MAX_FILES = 10
MAX_MAX_FILES = 50
# Documents the portal generates for an application (workflows/views/printing.py), offered next
# to an upload field to print, sign and upload again.
DOWNLOAD_CHOICES = [("items_table", _("许可项目表（按申请所选项目生成的 PDF）"))]


def is_file_ref(item):
    return (
        isinstance(item, dict)
        and isinstance(item.get("id"), str)
        and isinstance(item.get("name"), str)
        and type(item.get("size", 0)) is int
    )


class AttachmentsFormField(forms.Field):
    widget = AttachmentInput

    def __init__(self, *, max_files=1, **kwargs):
        self.max_files = max_files
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if not isinstance(value, list) or not all(is_file_ref(item) for item in value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value

    def validate(self, value):
        super().validate(value)
        if len(value) > self.max_files:
            raise ValidationError(self.error_messages["too_many"], code="too_many")


class FileField(SchemaField):
    field_class = AttachmentsFormField
    icon = "upload"
    label = _("附件（单个文件）")
    accepts_uploads = True
    multiple = False

    def prefill_choices(self):
        # A file from the account or the register, copied when the draft starts
        # (workflows.services.create_draft).
        return [choice for choice in PREFILL_CHOICES if choice[0] in FILE_PREFILL_SOURCES]

    def extra_blocks(self):
        return [
            (
                "download",
                blocks.ChoiceBlock(
                    choices=DOWNLOAD_CHOICES,
                    required=False,
                    label=_("供下载的表格"),
                    help_text=_("在上传框旁给出下载链接：申请人下载、打印、签字后扫描上传"),
                ),
            ),
            (
                "allowed_types",
                blocks.MultipleChoiceBlock(
                    choices=uploads.KIND_CHOICES,
                    default=list(uploads.DEFAULT_KINDS),
                    required=False,
                    label=_("允许的文件类型"),
                    help_text=_("不选表示 PDF、JPG、PNG 均可"),
                ),
            ),
            (
                "max_size_mb",
                blocks.IntegerBlock(
                    default=uploads.DEFAULT_MAX_MB,
                    min_value=1,
                    max_value=uploads.MAX_MAX_MB,
                    required=False,
                    label=_("单个文件大小上限（MB）"),
                ),
            ),
        ]

    def required_message(self, label):
        return _("请上传%(label)s。") % {"label": label}

    def get_options(self, block_value):
        options = super().get_options(block_value)
        label = block_value["label"]
        max_files = self.max_files(block_value)
        options["max_files"] = max_files
        options["error_messages"].update(
            invalid=_("%(label)s的文件记录无效，请删除后重新上传。") % {"label": label},
            too_many=ngettext(
                "%(label)s最多上传 %(n)s 个文件，请删除多余的文件。",
                "%(label)s最多上传 %(n)s 个文件，请删除多余的文件。",
                max_files,
            )
            % {"label": label, "n": max_files},
        )
        attrs = {"accept": uploads.accept_attribute(block_value.get("allowed_types"))}
        options["widget"] = (MultipleAttachmentInput if self.multiple else AttachmentInput)(attrs=attrs)
        return options

    # ----- what attach_files asks -----
    def max_files(self, block_value):
        return 1

    def max_bytes(self, block_value):
        mb = block_value.get("max_size_mb")
        if type(mb) is not int or mb < 1:
            mb = uploads.DEFAULT_MAX_MB
        return min(mb, uploads.MAX_MAX_MB) * uploads.MB

    def validate_upload(self, block_value, uploaded_file):
        """The detected content type, or ValidationError with the reason in Chinese."""
        return uploads.validate_upload(
            uploaded_file,
            label=block_value.get("label") or gettext("附件"),
            kinds=block_value.get("allowed_types"),
            max_bytes=self.max_bytes(block_value),
        )

    # ----- raw values -----
    def file_names(self, raw):
        if not isinstance(raw, list):
            return []
        return [display_name(item["name"]) for item in raw if is_file_ref(item)]

    def display(self, block_value, raw):
        return gettext("、").join(self.file_names(raw))

    def matches(self, raw, expected):
        # "Has a file" is the only condition that makes sense on an upload.
        has_files = bool(self.file_names(raw))
        return has_files == ((expected or "").strip() in ("是", "true", "True", "1", "on"))


class FilesField(FileField):
    label = _("附件（多个文件）")
    multiple = True

    def extra_blocks(self):
        return [
            *super().extra_blocks(),
            (
                "max_files",
                blocks.IntegerBlock(
                    default=DEFAULT_MAX_FILES,
                    min_value=1,
                    max_value=MAX_MAX_FILES,
                    required=False,
                    label=_("最多文件数"),
                ),
            ),
        ]

    def max_files(self, block_value):
        n = block_value.get("max_files")
        if type(n) is not int or n < 1:
            return DEFAULT_MAX_FILES
        return min(n, MAX_MAX_FILES)
