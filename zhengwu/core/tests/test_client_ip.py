"""Whose word the client address is: X-Real-IP from the trusted proxy, the peer otherwise."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from zhengwu.core.middleware import client_ip

RF = RequestFactory()


def _request(remote, real=None):
    extra = {"REMOTE_ADDR": remote}
    if real is not None:
        extra["HTTP_X_REAL_IP"] = real
    return RF.get("/", **extra)


def test_by_default_no_peer_names_the_client_not_even_loopback():
    # `make run`: the browser is the peer, and local browsers connect from 127.0.0.1 too.
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"
    assert client_ip(_request("::1", "203.0.113.7")) == "::1"


def test_x_forwarded_for_is_never_believed(settings):
    settings.ZHENGWU_TRUSTED_PROXIES = ["127.0.0.1"]
    request = RF.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "127.0.0.1"


def test_the_local_nginx_names_the_client_once_configured(settings):
    settings.ZHENGWU_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request("::1", "203.0.113.7")) == "203.0.113.7"


def test_a_client_talking_to_gunicorn_directly_cannot_choose_its_address():
    # Every forged header would otherwise be a fresh "address" for the per-IP limits.
    assert client_ip(_request("198.51.100.4", "203.0.113.7")) == "198.51.100.4"


def test_without_the_header_the_peer_is_the_client():
    assert client_ip(_request("198.51.100.4")) == "198.51.100.4"
    assert client_ip(_request("127.0.0.1", "  ")) == "127.0.0.1"


def test_proxies_elsewhere_are_named_by_address_or_network(settings):
    settings.ZHENGWU_TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.10"]

    assert client_ip(_request("10.0.0.17", "203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request("192.0.2.10", "203.0.113.8")) == "203.0.113.8"
    assert client_ip(_request("10.0.1.17", "203.0.113.7")) == "10.0.1.17"
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"  # no longer listed


def test_an_unreadable_peer_address_trusts_nothing():
    assert client_ip(_request("not-an-ip", "203.0.113.7")) == "not-an-ip"


def test_a_misconfigured_proxy_list_stops_start_up_with_a_chinese_message():
    from zhengwu.settings import _check_proxies

    _check_proxies(["127.0.0.1", "10.0.0.0/8", "::1"])
    with pytest.raises(ImproperlyConfigured, match="不是 IP 地址或网段"):
        _check_proxies(["nginx.internal"])
