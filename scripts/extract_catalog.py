#!/usr/bin/env python3
"""Extract the basic catalog (附件2 of the seed document) into zhengwu/catalog/data/basic_catalog.json.

Run once by a maintainer; the platform reads only the JSON it writes, never the seed.

    python scripts/extract_catalog.py [SEED_PATH] [OUT_PATH]

The seed lists three categories. Disclosure items sit under two group headings, power
items under 30 work-area headings, convenience items under none (they get one group).
Item numbers run per category (1-65, 1-295, 1-25) and are kept exactly as printed,
duplicates included (power 228 and 238 are both 企业所得税征收).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = REPO_ROOT.parent / "shared" / "seed" / "000_63b1d78b35bbac37.txt"
DEFAULT_OUT = REPO_ROOT / "zhengwu" / "catalog" / "data" / "basic_catalog.json"

START_MARK = "附件2:"
END_MARK = "25.民间纠纷调解受理。"

# (category key, item code prefix, work-area code prefix, zero-pad of area number)
CATEGORIES = {
    "一": ("disclosure", "GK", "gk", 1),
    "二": ("power", "QL", "ql", 2),
    "三": ("convenience", "BM", "bm", 1),
}
EXPECTED = {"disclosure": 65, "power": 295, "convenience": 25}
EXPECTED_AREAS = {"disclosure": 2, "power": 30, "convenience": 1}
CONVENIENCE_GROUP = "便民服务事项"

CATEGORY_RE = re.compile(r"^第([一二三])类\s*(\S+?)[((](\d+)项[))]$")
# The seed mixes ASCII and full-width punctuation; accept both.
ITEM_RE = re.compile(r"^(\d+)[.．](.+?)[;；。]$")


def catalog_lines(text: str, end_mark: str = END_MARK) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index(START_MARK)
    end = lines.index(end_mark, start)
    return [line for line in lines[start : end + 1] if line]


def parse(text: str, end_mark: str = END_MARK) -> dict:
    category = None
    declared: dict[str, int] = {}
    areas: list[dict] = []
    items: list[dict] = []
    area = None
    for line in catalog_lines(text, end_mark):
        if m := CATEGORY_RE.match(line):
            key, prefix, area_prefix, pad = CATEGORIES[m.group(1)]
            category = {"key": key, "prefix": prefix, "area_prefix": area_prefix, "pad": pad, "areas": 0}
            declared[key] = int(m.group(3))
            area = None
            continue
        if category is None:
            continue  # title lines before the first category heading
        if m := ITEM_RE.match(line):
            if area is None:
                if category["key"] != "convenience":
                    raise ValueError(f"item outside any work area: {line}")
                area = _new_area(category, CONVENIENCE_GROUP, areas)
            seq = int(m.group(1))
            expected_seq = sum(1 for i in items if i["category"] == category["key"]) + 1
            if seq != expected_seq:
                raise ValueError(f"numbering gap: expected {expected_seq}, got {line}")
            items.append({
                "code": f"{category['prefix']}{seq:03d}",
                "category": category["key"],
                "work_area": area["code"],
                "seq": seq,
                "name": m.group(2).strip(),
            })
            continue
        area = _new_area(category, line, areas)

    for key, n in declared.items():
        got = sum(1 for i in items if i["category"] == key)
        if got != n:
            raise ValueError(f"{key}: heading says {n} items, found {got}")
    return {
        "title": "县级政府依托电子政务平台开展政务公开和政务服务事项基本目录",
        "source": "全国政务公开领导小组《关于开展依托电子政务平台加强县级政府政务公开和政务服务试点工作的意见》(国务院办公厅2011年9月13日转发)附件2",
        "counts": {key: sum(1 for i in items if i["category"] == key) for key in declared},
        "work_areas": areas,
        "items": items,
    }


def check(data: dict) -> None:
    """Assert the published shape of the basic catalog: 65 / 295 / 25 items, 2 / 30 / 1 groups."""
    items, areas = data["items"], data["work_areas"]
    counts = {key: sum(1 for i in items if i["category"] == key) for key in EXPECTED}
    area_counts = {key: sum(1 for a in areas if a["category"] == key) for key in EXPECTED}
    assert counts == EXPECTED, counts
    assert data["counts"] == EXPECTED, data["counts"]
    assert area_counts == EXPECTED_AREAS, area_counts
    assert len(items) == 385
    assert len({i["code"] for i in items}) == 385


def _new_area(category: dict, name: str, areas: list[dict]) -> dict:
    category["areas"] += 1
    seq = category["areas"]
    area = {
        "code": f"{category['area_prefix']}-{seq:0{category['pad']}d}",
        "category": category["key"],
        "name": name,
        "seq": seq,
    }
    areas.append(area)
    return area


def main(argv: list[str]) -> int:
    seed = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEED
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    data = parse(seed.read_text(encoding="utf-8"))
    check(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    c = data["counts"]
    print(f"wrote {out}: {len(data['items'])} items "
          f"(disclosure {c['disclosure']}, power {c['power']}, convenience {c['convenience']}), "
          f"{len(data['work_areas'])} work areas")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
