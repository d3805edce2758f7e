class _UnreadCount:
    """Counted on first use, so a page that never renders the header pays no query."""

    def __init__(self, user):
        self._user = user
        self._value = None

    def __int__(self) -> int:
        if self._value is None:
            from .selectors import message_unread_count

            self._value = message_unread_count(user=self._user)
        return self._value

    def __bool__(self) -> bool:
        return int(self) > 0

    def __str__(self) -> str:
        return str(int(self))


def unread_messages(request):
    """The header's unread-message count: one COUNT, only for a signed-in person, only if rendered."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_message_count": _UnreadCount(user)}
