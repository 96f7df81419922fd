"""Wagtail's initial data in Chinese: its migrations create the page tree's root titled "Root", the root
collection named so, the example groups "Editors" and "Moderators" and the workflow and task "Moderators
approval", which editors and the administrator see (the explorer's root, 集合, 提交给… on every page,
组, 工作流). Renamed only while they still carry Wagtail's English names, so an operator's own names
stay; reversed back to them.

After the Wagtail migrations that look these groups up by name (wagtailcore 0002/0005/0048,
wagtailadmin 0001, wagtailimages and wagtaildocs 0002). The names are written here, not imported: a
migration keeps what it did.
"""

from django.db import migrations

ROOT = ("Root", "根目录")
GROUPS = (("Editors", "编辑人员"), ("Moderators", "审核人员"))
APPROVAL = ("Moderators approval", "审核人员审批")


def _rename(apps, forward):
    Page = apps.get_model("wagtailcore", "Page")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Collection = apps.get_model("wagtailcore", "Collection")

    def old_new(pair):
        return pair if forward else pair[::-1]

    old, new = old_new(ROOT)
    Page.objects.filter(depth=1, title=old).update(title=new, draft_title=new)
    Collection.objects.filter(depth=1, name=old).update(name=new)
    for pair in GROUPS:
        old, new = old_new(pair)
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)
    old, new = old_new(APPROVAL)
    Workflow.objects.filter(name=old).update(name=new)
    Task.objects.filter(name=old).update(name=new)


def forwards(apps, schema_editor):
    _rename(apps, forward=True)


def backwards(apps, schema_editor):
    _rename(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_licenseitempage_application_form_licenselevel_item"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
