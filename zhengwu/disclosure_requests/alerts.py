"""Fill department, post and officer on the supervision alerts raised on request clocks.

Registered with ``zhengwu.supervision.services.register_alert_enricher`` in
``DisclosureRequestsConfig.ready``; the sweep calls it right after inserting alerts, and
it updates them in one set-based UPDATE (no row-by-row loop).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery, Value

from zhengwu.org.roles import Role

from .models import DisclosureRequest
from .services import OWNER_TYPE


def alerts_enrich(after_id: int) -> None:
    from zhengwu.supervision.models import Alert

    # The running clock is always the request's current one (a correction's old clock is stopped).
    owner = DisclosureRequest.objects.filter(clock_id=OuterRef("clock_id"))
    Alert.objects.filter(pk__gt=after_id, owner_type=OWNER_TYPE).filter(Exists(owner)).update(
        unit_id=Subquery(owner.values("department_id")[:1]),
        role=Value(str(Role.DISCLOSURE_OFFICER)),
        handler_id=Subquery(owner.values("officer_id")[:1]),
    )
