"""The exchange's panel on the portal home page (registered in apps.py): open data.

Home pages are cached for anonymous visitors, so the panel shows only public facts.
"""

from django.template.loader import render_to_string

from . import selectors


def home_panel(request) -> str:
    return render_to_string("exchange/_home_panel.html", {
        "figures": selectors.open_data_summary(), "latest": selectors.open_catalog_latest(),
    })
