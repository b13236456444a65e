"""QUIC (RFC 9000, RFC 9001, RFC 9369): what a capture shows of a QUIC connection without
keys, as tshark shows it: the long headers, and the Initial packets, whose protection
anyone can remove, with the TLS ClientHello and ServerHello in their CRYPTO frames.

Used by the network analyzer (connections, unanswered Initials, CONNECTION_CLOSE) and the
TLS analyzer (handshakes, JA3/JA4); here in ``formats`` so that the packet viewer can use it
too. The modules, bottom up:

- ``packets``: variable-length integers, long and short headers, coalesced packets.
- ``protection``: Initial keys (HKDF), header protection and AES-GCM, both ways.
- ``frames``: the frames of an Initial, CRYPTO reassembly, error codes in words.
- ``reader``: ``QuicReader``, connections across a capture's datagrams.
"""

from inspector.formats.quic.frames import (
    CryptoStream,
    Frame,
    close_frame,
    crypto_frame,
    error_name,
    parse_frames,
)
from inspector.formats.quic.packets import (
    QUIC_DRAFT_29,
    QUIC_V1,
    QUIC_V2,
    QuicPacket,
    looks_like_quic,
    split_datagram,
    version_name,
)
from inspector.formats.quic.protection import initial_keys, seal_initial, unprotect
from inspector.formats.quic.reader import QuicConnection, QuicDatagram, QuicReader

__all__ = ["QUIC_DRAFT_29", "QUIC_V1", "QUIC_V2", "CryptoStream", "Frame", "QuicConnection",
           "QuicDatagram", "QuicPacket", "QuicReader", "close_frame", "crypto_frame",
           "error_name", "initial_keys", "looks_like_quic", "parse_frames", "seal_initial",
           "split_datagram", "unprotect", "version_name"]
