"""Reads of core data that pages outside core need: the audit trail."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import AuditEvent

AUDIT_PAGE_SIZE = 50


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_event_list(
    *,
    action: str | None = None,
    actor: str | None = None,
    result: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    before_id: int | None = None,
    limit: int = AUDIT_PAGE_SIZE,
) -> list[AuditEvent]:
    """Return the newest audit rows matching the filters, paged by key (``id < before_id``).

    ``action`` matches a prefix ("org.assignment" finds grants and revokes); ``actor``
    matches part of the recorded actor label; the dates are Beijing calendar days,
    both inclusive.
    """
    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if result:
        qs = qs.filter(result=result)
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    if before_id:
        qs = qs.filter(id__lt=before_id)
    # Key paging: "id < last" stays fast however deep the trail grows, where OFFSET would not.
    return list(qs.order_by("-id")[:limit])
