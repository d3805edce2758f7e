from .audit import AuditChainHead, AuditEvent, AuditPurge
from .base import TimeStampedModel
from .content import ContentVersion
from .calendar import CalendarDay, CalendarVersion, CalendarYear
from .files import StoredFile
from .site import SiteIdentity

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "AuditPurge",
    "CalendarDay",
    "ContentVersion",
    "CalendarVersion",
    "CalendarYear",
    "SiteIdentity",
    "StoredFile",
    "TimeStampedModel",
]
