"""Settings for `make bench`: the production settings plus a bare baseline page."""

import copy
from pathlib import Path

from zhengwu.settings import *  # noqa: F401,F403
from zhengwu.settings import TEMPLATES

BENCH_DIR = Path(__file__).resolve().parent

DEBUG = False
ROOT_URLCONF = "bench.urls"
TEMPLATES = copy.deepcopy(TEMPLATES)
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BENCH_DIR / "templates"]
