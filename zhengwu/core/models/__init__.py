from .audit import AuditChainHead, AuditEvent, AuditPurge
from .base import Accountable, TimeStampedModel
from .clock import Clock, ClockEvent
from .content import ContentVersion
from .deferred import DeferredTask
from .calendar import CalendarDay, CalendarVersion, CalendarYear
from .files import PendingUpload, StoredFile
from .ratelimit import RateCounter
from .seal import SealCertificate
from .site import SiteIdentity

__all__ = [
    "Accountable",
    "AuditChainHead",
    "AuditEvent",
    "AuditPurge",
    "CalendarDay",
    "ContentVersion",
    "PendingUpload",
    "DeferredTask",
    "RateCounter",
    "CalendarVersion",
    "CalendarYear",
    "Clock",
    "ClockEvent",
    "SealCertificate",
    "SiteIdentity",
    "StoredFile",
    "TimeStampedModel",
]
