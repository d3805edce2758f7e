"""Accuracy of the routing suggestion on citizens' everyday-language letters.

The letters (data/everyday_letters.json) were written from a citizen's point of view
before the lexicon, each with the demo county department that should handle it. The
floors sit below the measured figures (see docs/routing.md) so that a change which makes
the suggestion clearly worse fails here.
"""

import json
from pathlib import Path

import pytest

from zhengwu.routing.services import routing_suggest

DATA = Path(__file__).parent / "data"
LETTERS = json.loads((DATA / "everyday_letters.json").read_text(encoding="utf-8"))["letters"]
HELDOUT = json.loads((DATA / "heldout_letters.json").read_text(encoding="utf-8"))["letters"]

TOP1_FLOOR = 0.80
TOP3_FLOOR = 0.90
HELDOUT_TOP3_FLOOR = 0.60


def _measure(rows) -> tuple[float, float, list]:
    top1 = top3 = 0
    misses = []
    for row in rows:
        codes = [s.department_code for s in routing_suggest(text=row["text"])]
        top1 += bool(codes) and codes[0] == row["expected"]
        top3 += row["expected"] in codes
        if not codes or codes[0] != row["expected"]:
            misses.append((row["expected"], codes, row["text"][:40]))
    return top1 / len(rows), top3 / len(rows), misses


def test_the_test_set_is_large_enough_and_names_real_departments(demo_county):
    assert len(LETTERS) >= 80
    assert {row["expected"] for row in LETTERS} <= set(demo_county)


@pytest.mark.django_db
def test_top1_and_top3_accuracy_on_everyday_letters(demo_county, capsys):
    top1, top3, misses = _measure(LETTERS)
    with capsys.disabled():
        print(f"\nrouting accuracy on {len(LETTERS)} everyday letters: top-1 {top1:.3f}, top-3 {top3:.3f}")
        for miss in misses:
            print("  miss:", *miss)
    assert top1 >= TOP1_FLOOR
    assert top3 >= TOP3_FLOOR


@pytest.mark.django_db
def test_accuracy_on_letters_written_after_the_lexicon(demo_county, capsys):
    top1, top3, misses = _measure(HELDOUT)
    with capsys.disabled():
        print(f"\nrouting accuracy on {len(HELDOUT)} held-out letters: top-1 {top1:.3f}, top-3 {top3:.3f}")
        for miss in misses:
            print("  miss:", *miss)
    assert top3 >= HELDOUT_TOP3_FLOOR
