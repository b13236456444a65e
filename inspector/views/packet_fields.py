"""The display-filter fields the packet list knows, named as Wireshark names them, and how
each is read from a ``PacketRow`` (or, for payload bytes, from the frame itself).

A field is read by ``FieldSpec.read(row, frame)``: None when the packet does not have it
(``dns.qry.name`` of a TCP segment), one value, or a tuple when it occurs more than once
(``ip.addr`` is both addresses, ``tls.handshake.type`` every message of the packet).
``kind`` says what values compare with it: ``int``, ``float``, ``string``, ``address``
(IPv4/IPv6, with or without a ``/prefix``), ``bool`` (``== 1``, ``== true``), ``bytes``
(``contains "GET"``, ``contains 47:45:54``) and ``protocol`` (only tested for presence, or
``contains`` for ``frame``). Only ``frame``, ``tcp.payload`` and ``udp.payload`` need the
frame's bytes (``needs_frame``); filtering on them reads the capture again.

The list is ``FIELDS``; ``inspector.views.display_filter`` explains what it does not support.

>>> from inspector.views.packets import PacketRow
>>> row = PacketRow(7, 0.0, 60, 60, 1, "TCP", None, 4, "10.0.0.1", "10.0.0.2", 6, 40000, 443,
...                 0x04, 1, 1, 0, 0, 0, 2, 0, None)
>>> FIELDS["tcp.port"].read(row, None), FIELDS["tcp.flags.reset"].read(row, None)
((40000, 443), 1)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inspector.formats.pcap import Packet
from inspector.formats.protocols import ACK, CWR, ECE, FIN, PSH, RST, SYN, URG
from inspector.views.packets import PacketRow, transport_of
from inspector.views.tcp_analysis import FLAG_NAMES

Reader = Callable[[PacketRow, Packet | None], Any]


@dataclass(frozen=True)
class FieldSpec:
    """One filterable field (see the module doc)."""

    name: str
    kind: str
    read: Reader
    needs_frame: bool = False
    description: str = ""


def _when(test: Callable[[PacketRow], bool], value: Callable[[PacketRow], Any]) -> Reader:
    return lambda row, _frame: value(row) if test(row) else None


def _present(test: Callable[[PacketRow], bool]) -> Reader:
    return lambda row, _frame: True if test(row) else None


def _app(name: str) -> Reader:
    def read(row: PacketRow, _frame: Packet | None) -> Any:
        fields = row.fields
        if fields is None:
            return None
        value = fields.get(name)
        return tuple(value) if isinstance(value, list) else value
    return read


def _payload(protocol: int) -> Reader:
    def read(row: PacketRow, frame: Packet | None) -> Any:
        if row.ip_proto != protocol or frame is None:
            return None
        transport = transport_of(frame)
        return transport.payload if transport is not None and transport.payload else None
    return read


def _is_tcp(row: PacketRow) -> bool:
    return row.ip_proto == 6


def _is_udp(row: PacketRow) -> bool:
    return row.ip_proto == 17


def _is_tls(row: PacketRow) -> bool:
    return row.protocol.startswith(("TLS", "SSL"))


def _flag(bit: int) -> Reader:
    return lambda row, _frame: (1 if row.tcp_flags & bit else 0) if row.ip_proto == 6 else None


def _analysis(bit: int) -> Reader:
    return lambda row, _frame: True if row.analysis & bit else None


def _fields() -> dict[str, FieldSpec]:
    specs = [
        FieldSpec("frame", "protocol", lambda row, frame: frame.data if frame else True,
                  True, "every frame; `frame contains ...` searches its bytes"),
        FieldSpec("frame.number", "int", lambda row, _f: row.number),
        FieldSpec("frame.len", "int", lambda row, _f: row.length),
        FieldSpec("frame.cap_len", "int", lambda row, _f: row.captured),
        FieldSpec("frame.time_epoch", "float", lambda row, _f: row.time),
        FieldSpec("eth", "protocol", _present(lambda row: row.linktype == 1)),
        FieldSpec("ip", "protocol", _present(lambda row: row.ip_version == 4)),
        FieldSpec("ip.src", "address", _when(lambda r: r.ip_version == 4, lambda r: r.src)),
        FieldSpec("ip.dst", "address", _when(lambda r: r.ip_version == 4, lambda r: r.dst)),
        FieldSpec("ip.addr", "address",
                  _when(lambda r: r.ip_version == 4, lambda r: (r.src, r.dst))),
        FieldSpec("ip.proto", "int", _when(lambda r: r.ip_version == 4, lambda r: r.ip_proto)),
        FieldSpec("ipv6", "protocol", _present(lambda row: row.ip_version == 6)),
        FieldSpec("ipv6.src", "address", _when(lambda r: r.ip_version == 6, lambda r: r.src)),
        FieldSpec("ipv6.dst", "address", _when(lambda r: r.ip_version == 6, lambda r: r.dst)),
        FieldSpec("ipv6.addr", "address",
                  _when(lambda r: r.ip_version == 6, lambda r: (r.src, r.dst))),
        FieldSpec("ipv6.nxt", "int", _when(lambda r: r.ip_version == 6, lambda r: r.ip_proto)),
        FieldSpec("tcp", "protocol", _present(_is_tcp)),
        FieldSpec("tcp.srcport", "int", _when(_is_tcp, lambda r: r.src_port)),
        FieldSpec("tcp.dstport", "int", _when(_is_tcp, lambda r: r.dst_port)),
        FieldSpec("tcp.port", "int", _when(_is_tcp, lambda r: (r.src_port, r.dst_port))),
        FieldSpec("tcp.stream", "int", _when(_is_tcp, lambda r: r.stream)),
        FieldSpec("tcp.len", "int", _when(_is_tcp, lambda r: r.payload_length)),
        FieldSpec("tcp.seq", "int", _when(_is_tcp, lambda r: r.seq), description="relative"),
        FieldSpec("tcp.ack", "int", _when(_is_tcp, lambda r: r.ack), description="relative"),
        FieldSpec("tcp.flags", "int", _when(_is_tcp, lambda r: r.tcp_flags)),
        FieldSpec("tcp.window_size_value", "int", _when(_is_tcp, lambda r: r.window)),
        FieldSpec("tcp.window_size", "int", _when(_is_tcp, lambda r: r.window_size)),
        FieldSpec("tcp.payload", "bytes", _payload(6), True),
        FieldSpec("tcp.analysis.flags", "protocol", _present(lambda row: row.analysis != 0)),
        FieldSpec("udp", "protocol", _present(_is_udp)),
        FieldSpec("udp.srcport", "int", _when(_is_udp, lambda r: r.src_port)),
        FieldSpec("udp.dstport", "int", _when(_is_udp, lambda r: r.dst_port)),
        FieldSpec("udp.port", "int", _when(_is_udp, lambda r: (r.src_port, r.dst_port))),
        FieldSpec("udp.length", "int", _when(_is_udp, lambda r: r.payload_length + 8)),
        FieldSpec("udp.payload", "bytes", _payload(17), True),
        FieldSpec("icmp", "protocol", _present(lambda row: row.ip_proto == 1)),
        FieldSpec("icmpv6", "protocol", _present(lambda row: row.ip_proto == 58)),
        FieldSpec("dns", "protocol", _present(lambda row: row.protocol == "DNS")),
        FieldSpec("tls", "protocol", _present(_is_tls)),
        FieldSpec("tls.record", "protocol", _present(_is_tls)),
        FieldSpec("tls.handshake", "protocol", _when(_is_tls, lambda r: True if r.fields and
                                                     "tls.handshake.type" in r.fields else None)),
        FieldSpec("http", "protocol", _present(lambda row: row.protocol == "HTTP")),
        FieldSpec("_ws.col.protocol", "string", lambda row, _f: row.protocol),
        FieldSpec("_ws.col.info", "string", lambda row, _f: row.info),
    ]
    for name, bit in (("fin", FIN), ("syn", SYN), ("reset", RST), ("push", PSH), ("ack", ACK),
                      ("urg", URG), ("ece", ECE), ("cwr", CWR)):
        specs.append(FieldSpec(f"tcp.flags.{name}", "bool", _flag(bit)))
    specs += [FieldSpec(f"tcp.analysis.{name}", "protocol", _analysis(bit))
              for name, bit in FLAG_NAMES.items()]
    for protocol, number in (("icmp", 1), ("icmpv6", 58)):
        for part in ("type", "code"):
            specs.append(FieldSpec(f"{protocol}.{part}", "int", _when(
                lambda r, n=number: r.ip_proto == n and r.fields is not None,
                lambda r, p=part: r.fields.get(f"icmp.{p}"))))
    for name, kind in (("dns.id", "int"), ("dns.flags.response", "bool"),
                       ("dns.flags.rcode", "int"), ("dns.qry.name", "string"),
                       ("dns.qry.type", "int"), ("dns.count.queries", "int"),
                       ("dns.count.answers", "int"), ("dns.a", "address"),
                       ("tls.record.content_type", "int"), ("tls.record.version", "int"),
                       ("tls.handshake.type", "int"),
                       ("tls.handshake.extensions_server_name", "string"),
                       ("tls.alert_message", "protocol"), ("tls.alert_message.level", "int"),
                       ("tls.alert_message.desc", "int"), ("http.request", "protocol"),
                       ("http.response", "protocol"), ("http.request.method", "string"),
                       ("http.request.uri", "string"), ("http.response.code", "int"),
                       ("http.host", "string")):
        specs.append(FieldSpec(name, kind, _app(name)))
    return {spec.name: spec for spec in specs}


FIELDS = _fields()


def lookup(name: str) -> FieldSpec | None:
    """The field ``name`` names, through Wireshark's old ``ssl.`` prefix too."""
    if name in FIELDS:
        return FIELDS[name]
    if name.startswith("_ws.col."):  # Wireshark before 4.2 spells the columns capitalized
        return FIELDS.get(name.lower())
    if name == "ssl" or name.startswith("ssl."):
        return FIELDS.get("tls" + name[3:])
    return None
