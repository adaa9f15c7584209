"""Client networks: what we keep of an address, and how rate limits group clients."""

import hashlib
import ipaddress

from flask import current_app, request


def network_of(address: str | None) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) network of an address: what we keep instead of the address."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    return str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False))


def hash_ip(address: str | None) -> str | None:
    """A keyed hash (32 hex digits) of the address's network (/24 or /48), never the address itself."""
    network = network_of(address)
    if network is None:
        return None
    key = current_app.config["SECRET_KEY"].encode()
    return hashlib.blake2b(network.encode(), key=key[:64], digest_size=16).hexdigest()


def client_key(address: str | None) -> str:
    """Who a rate limit counts: an IPv4 client by its address, an IPv6 client by its /64.

    An IPv6 subscriber is usually given a whole /64 (RFC 6177 §2, RFC 7421) and picks addresses in
    it at will, so counting addresses would let one person through a limit as many times as they
    like. An IPv4-mapped IPv6 address counts as the IPv4 address.
    """
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def rate_limit_key() -> str:
    """The key of every per-client rate limit (Flask-Limiter's key_func): see `client_key`."""
    return client_key(request.remote_addr)


def form_taken(response) -> bool:
    """Flask-Limiter's `deduct_when` for the public forms: only a POST the site took (its 303
    redirect) counts against the sender's limit. A form shown again to be corrected (422, or 400
    for an expired session) stores and mails nothing, so a person fixing a typo is never locked out."""
    return response.status_code == 303
