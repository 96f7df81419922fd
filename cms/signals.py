"""Any change to the page tree makes every cached public page stale (core.page_cache).

One generation for the whole site rather than per page: publishing an item changes the catalogue
that lists it, moving a page changes its parent's menu, and publishes are rare next to views.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.page_cache import bump_generation


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def page_tree_changed(sender, **kwargs):
    bump_generation()


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        bump_generation()
