"""The one reading of the client's address (behind trusted proxies only), its deployment check, and the
same-site path check for links built from what a client sent."""

import pytest
from django.test import RequestFactory

from ocop.accounts.backends import client_ip
from ocop.core import throttle
from ocop.core.http import same_site_path


def request(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_forwarded_for_is_believed_from_trusted_proxies_only(settings):
    settings.OCOP_TRUSTED_PROXIES = "127.0.0.1,10.0.0.0/8"
    # nginx (127.0.0.1) behind a balancer (10.1.2.3): the right-most address that is no trusted proxy
    assert throttle.client_address(request("127.0.0.1", "1.2.3.4, 203.0.113.7, 10.1.2.3")) == "203.0.113.7"
    assert throttle.client_address(request("198.51.100.7", "203.0.113.7")) == "198.51.100.7"
    assert client_ip(request("127.0.0.1", "203.0.113.7")) == "203.0.113.7"  # the lockout reads the same
    settings.OCOP_TRUSTED_PROXIES = ""
    assert throttle.client_address(request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"


def test_deploy_check_asks_for_trusted_proxies_behind_a_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.OCOP_TRUSTED_PROXIES = ""
    assert [w.id for w in throttle.proxies_declared(None)] == ["ocop.W010"]
    settings.OCOP_TRUSTED_PROXIES = "127.0.0.1"
    assert throttle.proxies_declared(None) == []


@pytest.mark.parametrize(
    "url",
    [
        "/\\evil.example/x",
        "//evil.example",
        "https://evil.example",
        "/%5Cevil.example",
        "/%2F/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "",
        None,
    ],
)
def test_same_site_path_refuses_other_sites(url):
    assert same_site_path(url, "/kiem-tra-tem/") == "/kiem-tra-tem/"


@pytest.mark.parametrize(
    "url", ["/t/35K5YFWA6RW72H", "/01/08936120300015/10/L1/21/35K5YFWA6RW72H", "/?q=chè"]
)
def test_same_site_path_keeps_this_sites_paths(url):
    assert same_site_path(url, "/kiem-tra-tem/") == url
