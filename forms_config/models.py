"""Application form schemas (申请书表单) and their frozen versions.

Editors build an `ApplicationFormSchema` in the Wagtail admin as a snippet with drafts and
publishing: saving keeps a revision, publishing makes it what new applicants get. Starting an
application freezes the published content into a `FormSchemaVersion`: immutable, identified by
the SHA-256 of its canonical JSON, shared by every application started while the content was the
same. The application is rendered and validated against that version for its whole life
(docs/decisions.md, decision 1), so later edits never touch in-flight applications.
"""

import hashlib
import json

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index

from . import preview
from .blocks import SchemaPagesBlock
from .schema import Schema


class ApplicationFormSchema(PreviewableMixin, DraftStateMixin, RevisionMixin, index.Indexed, models.Model):
    title = models.CharField(_("表单名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    pages = StreamField(SchemaPagesBlock(), verbose_name=_("申请书的各页"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="application_form_schema")

    # The name is required even for a draft: Wagtail's autosave saves a new form as soon as it
    # changes, and would otherwise leave unnamed forms in the list.
    panels = [FieldPanel("title", required_on_save=True), FieldPanel("description"), FieldPanel("pages")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("申请书表单")
        verbose_name_plural = _("申请书表单")
        ordering = ["title"]

    def __str__(self):
        return self.title or gettext("未命名表单")

    @property
    def revisions(self):
        return self._revisions

    # 预览 (forms_config/preview.py): the unsaved form as applicants will see it.
    @property
    def preview_modes(self):
        return preview.modes(self)

    def get_preview_template(self, request, mode_name):
        return preview.TEMPLATE

    def get_preview_context(self, request, mode_name):
        return {**super().get_preview_context(request, mode_name), **preview.context(self, mode_name)}

    def definition(self):
        """The canonical JSON of the current field values (the published content when live)."""
        pages = [block["value"] for block in _plain(self.pages.get_prep_value())]
        return {"title": self.title, "pages": pages}


class FormSchemaVersionManager(models.Manager):
    def freeze(self, schema):
        """The version for the published content of `schema`, created on first use."""
        if not schema.live:
            raise ValidationError(_("申请书表单“%(title)s”尚未发布，暂不能办理。") % {"title": schema.title})
        # For a live snippet Wagtail keeps a newer draft only in a revision: the row itself holds
        # the published content, which is what new applicants get.
        definition = schema.definition()
        digest = content_hash(definition)
        version, _created = self.get_or_create(
            content_hash=digest, defaults={"schema": schema, "definition": definition}
        )
        return version


class FormSchemaVersion(models.Model):
    """An immutable snapshot of a published form. `definition` is
    {"title": ..., "pages": [{"title", "key", "intro", "show_when": {"field", "value"},
    "fields": [{"type": <registered field type>, "value": {<the field block's settings>}}]}]}."""

    schema = models.ForeignKey(
        ApplicationFormSchema, on_delete=models.PROTECT, related_name="versions", verbose_name=_("申请书表单")
    )
    content_hash = models.CharField(_("内容摘要"), max_length=64, unique=True, editable=False)
    definition = models.JSONField(_("表单定义"), editable=False)
    created_at = models.DateTimeField(_("冻结时间"), auto_now_add=True)

    objects = FormSchemaVersionManager()

    class Meta:
        verbose_name = _("申请书表单版本")
        verbose_name_plural = _("申请书表单版本")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.definition.get('title', '')} ({self.content_hash[:8]})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A frozen form schema version is immutable.")
        if content_hash(self.definition) != self.content_hash:
            raise ValidationError("content_hash does not match the definition.")
        super().save(*args, **kwargs)

    @cached_property
    def parsed(self):
        return Schema(self.definition)


def content_hash(definition):
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plain(value):
    """StreamField JSON without block ids and ListBlock item wrappers: only content is hashed."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        if value.keys() >= {"type", "value"} and value["type"] == "item" and set(value) <= {"type", "value", "id"}:
            return _plain(value["value"])
        return {k: _plain(v) for k, v in value.items() if k != "id"}
    return value
