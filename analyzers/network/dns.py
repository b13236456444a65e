"""DNS in captures: a bounded parser for the first question, and queries matched to answers.

DNS (UDP port 53, mDNS 5353, LLMNR 5355, which tshark counts with the same fields, and DNS
over TCP port 53 reassembled from in-order segments) is parsed by a small bounded parser:
header, first question. A query is answered when a response with the same transaction id
comes back between the same two endpoints. NXDOMAIN, SERVFAIL and REFUSED answers are kept
as failures (answers to the mDNS port 5353 excepted: they go to every listener on the link,
not to one asker), and answers that took ``DNS_SLOW_SECONDS`` or longer as slow; the
findings module turns both into findings.

>>> import struct
>>> query = struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"\\x03api\\x00" + bytes([0, 1, 0, 1])
>>> dns_question(query)
('api', 1)
"""

from __future__ import annotations

import struct
from collections import defaultdict
from typing import NamedTuple

from analyzers.network.addresses import address_text
from analyzers.network.events import EventLog
from inspector.formats.protocols import DNS_RCODES
from inspector.model import Severity

DNS_PORTS = frozenset({53, 5353, 5355})
DNS_SLOW_SECONDS = 0.5
# The counters ``DnsTracker`` keeps, in the order ``stats["network"]`` lists them after the
# TCP ones; ``dns_unanswered`` is counted when the stats are written.
DNS_COUNTERS = ("dns_queries", "dns_responses", "dns_nxdomain", "dns_servfail",
                "dns_unanswered")
# mDNS and LLMNR multicast groups: a query to a group owes no answer.
MULTICAST_GROUPS = frozenset({"224.0.0.251", "ff02::fb", "224.0.0.252", "ff02::1:3"})

_U16 = struct.Struct("!H").unpack_from


class Failure(NamedTuple):
    """One failed answer: its packet, time and client, how many answer and authority
    records it carried, and the zone of the SOA among the latter (``None`` without one)."""

    frame: int
    time: float
    client: str
    answers: int
    authorities: int
    zone: str | None

    def records(self) -> str:
        """``0 answers, 1 authority record (SOA example.com)``: what a reader of the answer
        counts, so that the number of answers is never taken for the number of records."""
        text = (f"{self.answers} answer{'s' if self.answers != 1 else ''}, {self.authorities} "
                f"authority record{'s' if self.authorities != 1 else ''}")
        return text + (f" (SOA {self.zone})" if self.zone else "")


class DnsQuery:
    """One query: packet, time, endpoints, the name and type asked, and whether answered."""

    __slots__ = ("answered", "client", "frame", "name", "record_type", "server", "time")

    def __init__(self, frame: int, time: float, client: str, server: str, name: str,
                 record_type: int) -> None:
        self.frame, self.time = frame, time
        self.client, self.server = client, server
        self.name, self.record_type = name, record_type
        self.answered = False


def read_name(message: bytes, position: int) -> tuple[str, int] | None:
    """The (possibly compressed) name at ``position`` and the offset after it, or ``None``
    when the message is cut short.

    Bounded: at most 128 labels and 16 compression jumps, so crafted loops end quickly.
    """
    labels: list[str] = []
    end_of_name = 0
    jumps = 0
    while len(labels) < 128:
        if position >= len(message):
            return None
        length = message[position]
        if length == 0:
            position += 1
            break
        if length & 0xC0 == 0xC0:
            if position + 1 >= len(message) or jumps >= 16:
                return None
            jumps += 1
            end_of_name = end_of_name or position + 2
            position = ((length & 0x3F) << 8) | message[position + 1]
            continue
        labels.append(message[position + 1:position + 1 + length].decode("ascii", "replace"))
        position += 1 + length
    return ".".join(labels) or ".", end_of_name or position


def dns_question(message: bytes) -> tuple[str, int] | None:
    """The first question's name and type, or ``None`` when the message is cut short."""
    if len(message) < 12 or not _U16(message, 4)[0]:
        return None
    read = read_name(message, 12)
    if read is None:
        return None
    name, after = read
    record_type = _U16(message, after)[0] if after + 2 <= len(message) else 0
    return name, record_type


def authority_zone(message: bytes) -> str | None:
    """The zone of the first SOA record in the authority section, which a negative answer
    carries to say which zone denies the name; ``None`` without one. At most 64 records are
    stepped over.

    >>> header = struct.pack("!HHHHHH", 7, 0x8183, 1, 0, 1, 0)
    >>> question = b"\\x03api\\x07example\\x03com\\x00" + bytes([0, 1, 0, 1])
    >>> soa = b"\\xc0\\x10" + struct.pack("!HHIH", 6, 1, 300, 0)
    >>> authority_zone(header + question + soa)
    'example.com'
    """
    if len(message) < 12:
        return None
    questions, answers, authorities = struct.unpack_from("!HHH", message, 4)
    position = 12
    for _ in range(min(questions, 64)):
        read = read_name(message, position)
        if read is None:
            return None
        position = read[1] + 4
    for record in range(min(answers + authorities, 64)):
        read = read_name(message, position)
        if read is None or read[1] + 10 > len(message):
            return None
        owner, position = read
        record_type, length = _U16(message, position)[0], _U16(message, position + 8)[0]
        if record >= answers and record_type == 6:
            return owner
        position += 10 + length
    return None


class DnsTracker:
    """Every DNS message of a capture, counted, with queries matched to their answers.

    Attributes:
        counts: ``DNS_COUNTERS`` -> count.
        queries: every query, in capture order.
        pending: (client, client port, server, server port, transaction id) -> its queries.
        failures: (rcode, server, name) -> a ``Failure`` for each failed answer.
        slow: (seconds, query, answer frame, answer time) of each slow answer.
    """

    def __init__(self, events: EventLog) -> None:
        self.events = events
        self.counts = dict.fromkeys(DNS_COUNTERS, 0)
        self.pending: dict[tuple, list[DnsQuery]] = {}
        self.queries: list[DnsQuery] = []
        self.failures: dict[tuple[int, str, str], list[Failure]] = defaultdict(list)
        self.slow: list[tuple[float, DnsQuery, int, float]] = []

    def unanswered(self) -> int:
        return sum(1 for query in self.queries if not query.answered)

    def over_tcp(self, index: int, time: float, buffer: bytes, addresses: bytes,
                 src_port: int, dst_port: int) -> bytes:
        """DNS messages over TCP: 2-byte length prefixes, reassembled across in-order segments
        and counted at the segment that completes them, as tshark does. ``buffer`` is what
        the direction sent so far; returns the incomplete rest, to keep for its next segment.
        """
        while len(buffer) >= 2:
            length = (buffer[0] << 8) | buffer[1]
            if len(buffer) < 2 + length:
                break
            self.message(index, time, buffer[2:2 + length], addresses, src_port, dst_port)
            buffer = buffer[2 + length:]
        return buffer

    def message(self, index: int, time: float, message: bytes, addresses: bytes,
                src_port: int, dst_port: int) -> None:
        """One DNS message; ``addresses`` is the raw source then destination address."""
        if len(message) < 12:
            return
        transaction_id, flags = struct.unpack_from("!HH", message, 0)
        address_size = len(addresses) // 2
        src = address_text(addresses[:address_size])
        dst = address_text(addresses[address_size:])
        question = dns_question(message)
        name, record_type = question if question else ("?", 0)
        counts = self.counts
        if not flags & 0x8000:
            counts["dns_queries"] += 1
            query = DnsQuery(index, time, src, dst, name, record_type)
            self.queries.append(query)
            self.pending.setdefault((src, src_port, dst, dst_port, transaction_id),
                                    []).append(query)
            return
        counts["dns_responses"] += 1
        rcode = flags & 0x0F
        pending = self.pending.get((dst, dst_port, src, src_port, transaction_id))
        first_query = None
        if pending:
            first_query = pending[0]
            for query in pending:
                query.answered = True
            if name == "?":
                name = first_query.name
        if rcode == 3:
            counts["dns_nxdomain"] += 1
        elif rcode == 2:
            counts["dns_servfail"] += 1
        if rcode in (2, 3, 5) and dst_port != 5353:
            answers, authorities = struct.unpack_from("!HH", message, 6)
            self.failures[(rcode, src, name)].append(Failure(
                index, time, dst, answers, authorities, authority_zone(message)))
            self.events.add(time, index, Severity.MEDIUM,
                            f"DNS {DNS_RCODES[rcode]} for {name} from {src}")
        if first_query is not None and time - first_query.time >= DNS_SLOW_SECONDS:
            self.slow.append((time - first_query.time, first_query, index, time))
