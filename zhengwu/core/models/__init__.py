from .audit import AuditChainHead, AuditEvent
from .base import TimeStampedModel
from .calendar import CalendarDay, CalendarYear
from .site import SiteIdentity

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "CalendarDay",
    "CalendarYear",
    "SiteIdentity",
    "TimeStampedModel",
]
