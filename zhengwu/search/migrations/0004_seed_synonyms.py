"""Seed the synonym dictionary with the words a county's citizens use (data/synonyms.json).

Only inserts entries whose canonical word is not there yet, so staff edits survive and
running it on a database that already has a dictionary changes nothing.
"""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "data" / "synonyms.json"


def seed(apps, schema_editor):
    synonym = apps.get_model("search", "SearchSynonym")
    entries = json.loads(SEED.read_text(encoding="utf-8"))["entries"]
    existing = set(synonym.objects.values_list("canonical", flat=True))
    synonym.objects.bulk_create(
        synonym(canonical=e["canonical"], variants=e["variants"], note="初始词条")
        for e in entries if e["canonical"] not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0003_synonyms_and_misses")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
