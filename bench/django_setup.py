"""Django set-up shared by the bench scripts, which also run on their own
(``python bench/bench_calendar.py``) with only bench/ on sys.path."""

import os
import sys
from pathlib import Path


def setup_django() -> None:
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.settings")
    import django

    django.setup()
