"""What 政务公开 puts on the portal's section pages and the staff work page."""

from __future__ import annotations

from django.template.loader import render_to_string

from zhengwu.org.selectors import user_holds_any_role

from . import selectors
from .models import Column

HOME_COLUMNS = (Column.NEWS, Column.NOTICE, Column.POLICY, Column.INTERPRETATION)


def holds(user, roles) -> bool:
    return user_holds_any_role(user, roles)


def disclosure_section_panel(request) -> str:
    # Cached for anonymous visitors: nothing here may depend on who is asking.
    return render_to_string("disclosure/_section_panel.html", {
        "columns": selectors.column_counts(),
        "latest": selectors.latest_public(limit=10),
    })


def home_panel(request) -> str:
    return render_to_string("disclosure/_home_panel.html", {
        "latest": selectors.latest_public(columns=HOME_COLUMNS, limit=8),
    })
