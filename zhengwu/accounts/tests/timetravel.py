"""Moving "now" in tests: every use of ``django.utils.timezone.now()`` sees the given time."""

from contextlib import contextmanager
from datetime import datetime
from unittest import mock

from django.utils import timezone


@contextmanager
def at(moment: datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def start() -> datetime:
    return timezone.now().replace(microsecond=0)
