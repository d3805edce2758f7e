"""Test backends for ZHENGWU_NOTIFY_BACKENDS."""

SENT: list[int] = []


class RecordingBackend:
    name = "recording"

    def send(self, message) -> None:
        SENT.append(message.pk)


class BrokenBackend:
    name = "broken"

    def send(self, message) -> None:
        raise ConnectionError("gateway down")
