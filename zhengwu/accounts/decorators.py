"""Compatibility names for the back-office guards; the rules live in zhengwu.core.access.

New code declares ``@access(STAFF)`` / ``@access(STAFF, roles=[...])`` directly.
"""

from zhengwu.core.access import STAFF, access


def staff_required(view):
    """Anonymous visitors go to the login page; citizens and enterprises get a 403 page."""
    return access(STAFF)(view)


def role_required(*roles):
    """Like staff_required, and the user must hold one of ``roles`` in some unit."""
    return access(STAFF, roles=roles)
