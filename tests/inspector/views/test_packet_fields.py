"""Every display-filter field reads any row without error, named as Wireshark names it."""

from __future__ import annotations

from inspector.model import ArtifactKind
from inspector.views.packet_fields import FIELDS, lookup
from inspector.views.packets import load_packets
from tests.inspector.views.work import WorkState


def test_every_field_reads_every_kind_of_row(sample_member):
    listed = []
    load_packets(WorkState(listed.extend),
                 sample_member("tls_expired_certificate", ArtifactKind.PCAPNG))
    kinds = {row.protocol: row for row in listed}
    assert {"TCP", "TLSv1.2"} <= set(kinds)
    for spec in FIELDS.values():
        for row in kinds.values():
            spec.read(row, None)  # never raises, whatever the packet
    tls = kinds["TLSv1.2"]
    assert FIELDS["tls"].read(tls, None) is True
    assert FIELDS["dns"].read(tls, None) is None
    assert FIELDS["ip.addr"].read(tls, None) == (tls.src, tls.dst)


def test_only_payload_fields_need_the_frame_and_old_names_still_work():
    assert {name for name, spec in FIELDS.items() if spec.needs_frame} == \
        {"frame", "tcp.payload", "udp.payload"}
    assert lookup("ssl.handshake.type") is FIELDS["tls.handshake.type"]
    assert lookup("_ws.col.Info") is FIELDS["_ws.col.info"]
    assert lookup("eth.src") is None
