"""Callbacks the letters app registers with lower layers (see apps.py): download rule,
portal panels, office-link visibility."""

from __future__ import annotations

from django.template.loader import render_to_string

from .. import posts
from ..models import Channel


def attachment_download_rule(user, stored_file) -> bool:
    """The writer, and staff handling or supervising the letter, may download its attachments."""
    if stored_file.owner_id is not None and stored_file.owner_id == getattr(user, "pk", None):
        return True
    if getattr(user, "kind", None) != "staff" or stored_file.object_type != "letters.letter":
        return False
    from ..selectors import letter_may_download

    return letter_may_download(user, stored_file.object_id)


def holds_any(user, roles) -> bool:
    return posts.holds(user, roles)


def is_letter_clerk(user) -> bool:
    return posts.is_letter_clerk(user)


def _channels():
    from ..services.common import policy_for

    return [(c, policy_for(c.value)) for c in Channel]


def participation_panel(request) -> str:
    return render_to_string("letters/_participation_panel.html", {"channels": _channels()}, request=None)


def home_panel(request) -> str:
    from ..selectors import published_list

    rows, _ = published_list(page=1)
    return render_to_string("letters/_home_panel.html", {"publications": rows[:5]}, request=None)
