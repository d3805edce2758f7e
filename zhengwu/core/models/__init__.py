from .audit import AuditChainHead, AuditEvent, AuditPurge
from .base import TimeStampedModel
from .calendar import CalendarDay, CalendarVersion, CalendarYear
from .files import StoredFile
from .site import SiteIdentity

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "AuditPurge",
    "CalendarDay",
    "CalendarVersion",
    "CalendarYear",
    "SiteIdentity",
    "StoredFile",
    "TimeStampedModel",
]
