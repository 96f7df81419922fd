"""Permission names in Chinese.

Django stores each permission's name once, when `migrate` creates it, in English and with the model's
untranslated verbose name ("Can add group", "Can change 用户"); Wagtail's group screens (组 → 对象权限,
页面权限, 集合权限) show that stored name, so the administrator reads English however complete the
catalogues are. After each app's migrations its permissions are named in Chinese: the default ones
(add/change/delete/view) from the model's Chinese verbose name, Wagtail's own from its catalogue (its
permission names are msgids there, such as "Delete pages with children"), publish/lock/unlock as
below. A name an administrator gave in Chinese is left alone, and so is one with no known Chinese
(tests/test_no_english_in_chinese_pages.py shows it). Like Django's own, the names stay in one
language whatever the reader's: the portal's is Chinese.
"""

import re

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DEFAULT_ACTIONS = {
    "add": _("可添加%(name)s"),
    "change": _("可修改%(name)s"),
    "delete": _("可删除%(name)s"),
    "view": _("可查看%(name)s"),
}
# Wagtail's draft-state and locking permissions of snippets and other models ("Can publish …"), and its
# choosers' ("Can choose image").
OTHER_ACTIONS = {
    "choose": _("可选择%(name)s"),
    "publish": _("可发布%(name)s"),
    "lock": _("可锁定%(name)s"),
    "unlock": _("可解锁%(name)s"),
}
HAN = re.compile(r"[\u3400-\u9fff]")


def _has_han(text):
    return bool(HAN.search(text))


def chinese_name(permission, model):
    """The Chinese name of `permission` of `model` (None when it has none to give)."""
    action, _sep, model_name = permission.codename.partition("_")
    verbose_name = str(model._meta.verbose_name)
    if model_name == model._meta.model_name and action in DEFAULT_ACTIONS:
        if permission.name == f"Can {action} {model._meta.verbose_name_raw}":
            return str(DEFAULT_ACTIONS[action]) % {"name": verbose_name}
    if _has_han(permission.name) and not permission.name.startswith("Can "):
        return None
    translated = gettext(permission.name)
    if translated != permission.name and _has_han(translated):
        return translated
    if model_name == model._meta.model_name and action in OTHER_ACTIONS:
        return str(OTHER_ACTIONS[action]) % {"name": verbose_name}
    return None


def name_permissions_in_chinese(sender, app_config=None, using="default", **kwargs):
    """post_migrate receiver. Each app's emission renames every permission, not only the sender's:
    Wagtail's snippets create their publish/lock permissions in their own receiver, after this one, so
    the next app's emission names them; the sender's are created first (auth's receiver runs after this
    one: auth comes after accounts in INSTALLED_APPS) so that the last app's are named too."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission

    if app_config is not None and app_config.models_module:
        create_permissions(app_config, verbosity=0, using=using)
    max_length = Permission._meta.get_field("name").max_length
    with translation.override("zh-hans"):
        for permission in Permission.objects.using(using).select_related("content_type"):
            model = permission.content_type.model_class()
            name = chinese_name(permission, model) if model is not None else None
            if name and name != permission.name:
                permission.name = name[:max_length]
                permission.save(using=using, update_fields=["name"])
