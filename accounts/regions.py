"""Loading and querying administrative regions (行政区划)."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "regions.json"


def load_regions(region_model):
    """Insert every region of accounts/data/regions.json that is missing; returns the count added.

    Takes the model as an argument so the data migration can pass its historical model.
    """
    rows = json.loads(DATA.read_text("utf-8"))["regions"]
    existing = set(region_model.objects.values_list("code", flat=True))
    added = 0
    # Rows are ordered province, city, county, so each parent exists before its children.
    for level in (1, 2, 3):
        batch = [
            region_model(code=code, name=name, level=lvl, parent_id=parent)
            for code, name, lvl, parent in rows
            if lvl == level and code not in existing
        ]
        region_model.objects.bulk_create(batch, batch_size=1000)
        added += len(batch)
    return added


def data_source():
    return json.loads(DATA.read_text("utf-8"))["source"]
