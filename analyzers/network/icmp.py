"""ICMP and ICMPv6 errors in captures: destination unreachable and packet too big (MTU).

Each error is filed under who reported it, the reason, and the destination of the packet
it quotes (address, port, protocol) with the next-hop MTU when the error carries one, so
that the findings module can say "10.0.0.1 reports 10.0.0.80:443 TCP fragmentation needed
(MTU)" once with a count.

>>> quoted = bytes([0x45]) + bytes(8) + bytes([6]) + bytes(6) + bytes([10, 0, 0, 80])
>>> embedded_destination(quoted + bytes([0xC3, 0x50, 0x01, 0xBB]))
('10.0.0.80', 443, 6)
"""

from __future__ import annotations

import struct
from collections import defaultdict

from analyzers.network.addresses import address_text, endpoint
from analyzers.network.events import EventLog
from inspector.formats.protocols import ICMP_UNREACHABLE_CODES, ICMPV6_UNREACHABLE_CODES
from inspector.model import Severity

_U16 = struct.Struct("!H").unpack_from


class IcmpTracker:
    """Every ICMP error of a capture.

    Attributes:
        errors: (reporter, reason, target, target port, target protocol, MTU or ``None``)
            -> (frame, time) of each error, in capture order.
    """

    def __init__(self, events: EventLog) -> None:
        self.events = events
        self.errors: dict[tuple, list[tuple[int, float]]] = defaultdict(list)

    def message(self, index: int, time: float, message: bytes, protocol: int,
                addresses: bytes) -> None:
        """One ICMP (``protocol`` 1) or ICMPv6 (58) message, from its type byte on;
        ``addresses`` is the raw source then destination address."""
        if len(message) < 8:
            return
        icmp_type, code = message[0], message[1]
        if protocol == 1 and icmp_type == 3:
            reason = ICMP_UNREACHABLE_CODES.get(code, f"unreachable (code {code})")
            mtu = _U16(message, 6)[0] if code == 4 else None
        elif protocol == 58 and icmp_type == 1:
            reason = ICMPV6_UNREACHABLE_CODES.get(code, f"unreachable (code {code})")
            mtu = None
        elif protocol == 58 and icmp_type == 2:
            reason = "packet too big (MTU)"
            mtu = struct.unpack_from("!I", message, 4)[0]
        else:
            return
        reporter = address_text(addresses[:len(addresses) // 2])
        target, target_port, target_protocol = embedded_destination(message[8:])
        self.errors[(reporter, reason, target, target_port, target_protocol, mtu)].append(
            (index, time))
        where = endpoint(target, target_port) if target_port else target
        self.events.add(time, index, Severity.MEDIUM,
                        f"ICMP {reason} from {reporter} for {where}")


def embedded_destination(inner: bytes) -> tuple[str, int, int]:
    """Destination address, port and protocol of the IP packet quoted in an ICMP error."""
    if len(inner) >= 20 and inner[0] >> 4 == 4:
        header_length = (inner[0] & 0x0F) * 4
        protocol = inner[9]
        target = address_text(inner[16:20])
        transport = inner[header_length:header_length + 4]
    elif len(inner) >= 40 and inner[0] >> 4 == 6:
        protocol = inner[6]
        target = address_text(inner[24:40])
        transport = inner[40:44]
    else:
        return "?", 0, 0
    port = _U16(transport, 2)[0] if protocol in (6, 17) and len(transport) == 4 else 0
    return target, port, protocol
