"""Portal pages edited in Wagtail. The licence catalogue pages arrive with issue 3."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """公共服务门户首页: what the portal is, with the way in (登录 / 注册)."""

    intro = RichTextField(_("简介"), blank=True)
    notice = models.CharField(_("公告"), max_length=255, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("notice")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("门户首页")
