"""Callbacks the letters app registers with lower layers (see apps.py): download rule,
supervision alert enricher, portal panels, office-link visibility."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string

from . import posts
from .models import Channel, Hop


def attachment_download_rule(user, stored_file) -> bool:
    """The writer, and staff handling or supervising the letter, may download its attachments."""
    if stored_file.owner_id is not None and stored_file.owner_id == getattr(user, "pk", None):
        return True
    if getattr(user, "kind", None) != "staff" or stored_file.object_type != "letters.letter":
        return False
    from .selectors import letter_may_download

    return letter_may_download(user, stored_file.object_id)


def alerts_enrich(after_id: int) -> None:
    """Fill the unit and post of the alerts just raised on letter hop clocks (set-based)."""
    from zhengwu.org.roles import Role
    from zhengwu.supervision.models import Alert

    hop = Hop.objects.filter(clock_id=OuterRef("clock_id"))
    Alert.objects.filter(pk__gt=after_id, owner_type="letters.hop").update(
        unit_id=Subquery(hop.values("unit_id")[:1]),
        role=Role.HANDLER,
    )
    # Triage hops belong to the letters office's clerks, not to a department's handler.
    Alert.objects.filter(
        pk__gt=after_id, owner_type="letters.hop",
        clock_id__in=Hop.objects.filter(kind=Hop.Kind.TRIAGE).values("clock_id"),
    ).update(role=Role.LETTER_CLERK)


def holds_any(user, roles) -> bool:
    return any(posts.holds(user, r) for r in roles)


def is_letter_clerk(user) -> bool:
    return posts.is_letter_clerk(user)


def _channels():
    from .services.common import policy_for

    return [(c, policy_for(c.value)) for c in Channel]


def participation_panel(request) -> str:
    return render_to_string("letters/_participation_panel.html", {"channels": _channels()}, request=None)


def home_panel(request) -> str:
    from .selectors import published_list

    rows, _ = published_list(page=1)
    return render_to_string("letters/_home_panel.html", {"publications": rows[:5]}, request=None)
