"""Permission names in Chinese (accounts/permission_names.py): what Wagtail's group screens show."""

import pytest
from django.contrib.auth.models import Permission


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("app_label", "codename", "name"),
    [
        ("auth", "add_group", "可添加组"),
        ("accounts", "change_user", "可修改用户"),
        ("forms_config", "publish_applicationformschema", "可发布申请书表单"),
    ],
)
def test_default_and_publish_permissions_are_named_in_chinese(app_label, codename, name):
    assert Permission.objects.get(content_type__app_label=app_label, codename=codename).name == name


@pytest.mark.django_db
def test_no_permission_keeps_an_english_name():
    english = [
        f"{p.content_type.app_label}.{p.codename}: {p.name}"
        for p in Permission.objects.select_related("content_type")
        if p.name.startswith("Can ") or not any("\u3400" <= c <= "\u9fff" for c in p.name)
    ]
    assert not english
