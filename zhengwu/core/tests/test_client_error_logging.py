"""Ordinary 4xx are one log line, not a traceback (issue 15, finding 4: 157 tracebacks for 400s)."""

import io
import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def console_output():
    """What the configured console handler writes, whatever pytest does with stderr."""
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        yield stream
    finally:
        console.setStream(previous)


def test_not_found_and_bad_request_are_logged_as_one_line_each(console_output):
    Client().get("/no-such-page/")
    Client().get("/search/", {"q": "x\x00"})  # a NUL: the middleware's BadRequest

    out = console_output.getvalue()
    assert "Not Found: /no-such-page/" in out and "request contains a NUL character: /search/" in out
    assert "Traceback" not in out
    assert len([line for line in out.splitlines() if line.strip()]) == 2


def test_a_server_error_keeps_its_traceback(console_output):
    try:
        raise RuntimeError("a real bug")
    except RuntimeError:
        logging.getLogger("django.request").error("Internal Server Error: /x", exc_info=True, extra={"status_code": 500})

    assert "Traceback" in console_output.getvalue() and "a real bug" in console_output.getvalue()
