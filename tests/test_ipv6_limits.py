"""Rate limits that hold on IPv6: a client is its IPv4 address, or its IPv6 /64 network."""

import pytest

from petition.core.network import client_key
from petition.extensions import limiter
from tests.commenting import Reader, approved
from tests.helpers import GOOD, form_tokens

# Eight addresses a single subscriber may use at will: one /64.
ONE_SLASH_64 = [f"2001:db8:1234:5678::{n:x}" for n in range(1, 5)] + [
    "2001:db8:1234:5678:aaaa:bbbb:cccc:dddd",
    "2001:db8:1234:5678:ffff:ffff:ffff:ffff",
    "2001:0db8:1234:5678:0000:0000:0000:0042",
    "2001:db8:1234:5678:1:2:3:4",
]


def _sign_from(app, ip: str, n: int) -> int:
    client = app.test_client()
    page = client.get("/", environ_base={"REMOTE_ADDR": ip}).get_data(as_text=True)
    data = {**GOOD, "email": f"v6-{n}@example.org", **form_tokens(page)}
    return client.post("/petitions/kleema/sign", data=data, environ_base={"REMOTE_ADDR": ip}).status_code


def test_eight_addresses_of_one_slash_64_share_a_signing_limit(app):
    limiter.enabled = True
    app.config["RATELIMIT_SIGN"] = "3 per minute"
    statuses = [_sign_from(app, ip, n) for n, ip in enumerate(ONE_SLASH_64)]
    assert statuses == [303, 303, 303] + [429] * 5


def test_neighbouring_slash_64_networks_and_ipv4_clients_have_limits_of_their_own(app):
    limiter.enabled = True
    app.config["RATELIMIT_SIGN"] = "1 per minute"
    others = ["2001:db8:1234:5679::1", "2001:db8:1234:567a::1", "203.0.113.7", "203.0.113.8"]
    assert [_sign_from(app, ip, n) for n, ip in enumerate(others)] == [303] * 4
    # An IPv4 client written as an IPv4-mapped IPv6 address is the same client.
    assert _sign_from(app, "::ffff:203.0.113.7", 9) == 429


def test_comments_are_limited_per_slash_64(app):
    limiter.enabled = True
    app.config["RATELIMIT_COMMENT"] = "3 per minute"
    codes = [
        Reader(app, ip=ip).comment(text=f"Message numéro {n}").status_code
        for n, ip in enumerate(ONE_SLASH_64)
    ]
    assert codes == [303, 303, 303] + [429] * 5


def test_reports_are_limited_per_slash_64(app):
    target = approved(app, Reader(app, ip="192.0.2.50"), text="Un avis tranché sur Wana")
    others = [approved(app, Reader(app, ip="192.0.2.51"), text=f"Autre avis {n}") for n in range(4)]
    limiter.enabled = True
    app.config["RATELIMIT_REPORT"] = "3 per minute"
    codes = [
        Reader(app, ip=ip).press(f"/comments/{comment}/report", reason="spam").status_code
        for ip, comment in zip(ONE_SLASH_64, [target, *others], strict=False)
    ]
    assert codes == [303, 303, 303, 429, 429]


def test_logins_are_limited_per_slash_64(app, client, staff):
    limiter.enabled = True
    app.config["RATELIMIT_LOGIN_IP"] = "3 per minute"
    codes = []
    for n, ip in enumerate(ONE_SLASH_64[:5]):
        page = client.get("/admin/login", environ_base={"REMOTE_ADDR": ip}).get_data(as_text=True)
        data = {"email": f"essai{n}@comite.example", "password": "au hasard au hasard", **form_tokens(page)}
        codes.append(client.post("/admin/login", data=data, environ_base={"REMOTE_ADDR": ip}).status_code)
    assert codes == [422, 422, 422, 429, 429]


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("2001:db8:1234:5678:9abc::1", "2001:db8:1234:5678::/64"),
        ("2001:DB8:1234:5678::FFFF", "2001:db8:1234:5678::/64"),
        ("fe80::1", "fe80::/64"),
    ],
)
def test_client_key_is_the_ipv4_address_or_the_ipv6_slash_64(address, key):
    assert client_key(address) == key
