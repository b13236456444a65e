"""Content sniffing: what kind of artifact a member is, from its first bytes.

Magic numbers and structure decide; the name only breaks ties (a ``.sql`` file of plain
statements, a ``.har`` whose head is all ``pages``). Callers pass the *decompressed* head
of a member (``HEAD_BYTES`` of it) and its name.

>>> sniff(bytes.fromhex("d4c3b2a1") + bytes(20), "capture.bin")
<ArtifactKind.PCAP: 'pcap'>
>>> sniff(b'{"log": {"version": "1.2", "entries": []}}', "x.json")
<ArtifactKind.HAR: 'har'>
>>> sniff(b"2026-11-17 09:14:01,233 ERROR [main] boom\\n" * 3, "app.txt")
<ArtifactKind.LOG: 'log'>
"""

from __future__ import annotations

from inspector.bundle.classify import classify_text
from inspector.model import ArtifactKind

HEAD_BYTES = 64 * 1024

PCAP_MAGICS = {
    bytes.fromhex("a1b2c3d4"),  # microsecond, big-endian
    bytes.fromhex("d4c3b2a1"),  # microsecond, little-endian
    bytes.fromhex("a1b23c4d"),  # nanosecond, big-endian
    bytes.fromhex("4d3cb2a1"),  # nanosecond, little-endian
}
PCAPNG_MAGIC = bytes.fromhex("0a0d0d0a")
GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
XZ_MAGIC = bytes.fromhex("fd377a585a00")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

# Archive formats we recognize but do not open; saying so beats calling them "binary".
UNSUPPORTED_ARCHIVES = {
    b"7z\xbc\xaf\x27\x1c": "7-Zip",
    b"Rar!\x1a\x07": "RAR",
    b"\x28\xb5\x2f\xfd": "Zstandard",
}


def compression_of(head: bytes) -> str | None:
    """``gzip``, ``bz2`` or ``xz`` when ``head`` starts a single-stream compressed file."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(BZIP2_MAGIC) and len(head) > 3 and head[3:4].isdigit():
        return "bz2"
    if head.startswith(XZ_MAGIC):
        return "xz"
    return None


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGICS)


def is_tar(head: bytes) -> bool:
    """POSIX/GNU tar (``ustar`` magic), or an old v7 header whose checksum adds up."""
    if len(head) < 512:
        return False
    if head[257:262] == b"ustar":
        return True
    return _v7_checksum_ok(head[:512])


def _v7_checksum_ok(block: bytes) -> bool:
    if not block[:100].strip(b"\0") or block[0] == 0:
        return False
    stored = block[148:156].split(b"\0", 1)[0].strip()
    try:
        expected = int(stored, 8)
    except ValueError:
        return False
    unsigned = sum(block[:148]) + 8 * 32 + sum(block[156:])
    return expected == unsigned


def unsupported_archive(head: bytes) -> str | None:
    for magic, name in UNSUPPORTED_ARCHIVES.items():
        if head.startswith(magic):
            return name
    return None


def looks_binary(head: bytes) -> bool:
    """NUL bytes, or mostly non-text bytes, in a head that is not UTF-16 text."""
    if not head:
        return False
    if text_encoding_of(head):
        return False
    if b"\0" in head[:8192]:
        return True
    sample = head[:8192]
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control / len(sample) > 0.1


def text_encoding_of(head: bytes) -> str | None:
    r"""``utf-16-le`` or ``utf-16-be`` when ``head`` is UTF-16 text, else ``None``.

    Windows tools write UTF-16: PowerShell 5's ``>`` and ``Out-File``, Event Viewer
    exports, many services' own logs. A byte-order mark says so; without one, text that is
    mostly ASCII has a NUL in every other byte, on the same side.

    >>> text_encoding_of("\ufeff2026-11-17 ERROR x".encode("utf-16-le"))
    'utf-16-le'
    >>> text_encoding_of(("2026-11-17 09:14:01 ERROR boom\r\n" * 3).encode("utf-16-be"))
    'utf-16-be'
    >>> text_encoding_of(bytes(range(256))) is None
    True
    """
    if head.startswith(b"\xff\xfe") and not head.startswith(b"\xff\xfe\0\0"):
        return "utf-16-le"
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be"
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs < 16:
        return None
    even_nul = sample[0:pairs * 2:2].count(0)
    odd_nul = sample[1:pairs * 2:2].count(0)
    if odd_nul >= 0.9 * pairs and even_nul <= 0.02 * pairs:
        return "utf-16-le"
    if even_nul >= 0.9 * pairs and odd_nul <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _utf16_to_utf8(head: bytes, codec: str) -> bytes:
    body = head[: len(head) // 2 * 2]
    return body.decode(codec, errors="replace").removeprefix("\ufeff").encode("utf-8")


def sniff(head: bytes, name: str = "") -> ArtifactKind:
    """The kind of a member from its decompressed head and its name (its path in the bundle,
    which ``inspector.bundle.classify`` reads as a place: ``sos_commands/``, ``etc/``...).

    Archives and compressed wrappers are recognized by the reader before this is called
    (it must look inside them); here ``archive`` is returned for zip and tar heads only.
    Text is classified by ``classify_text``.
    """
    lowered = name.lower()
    if head[:4] in PCAP_MAGICS:
        return ArtifactKind.PCAP
    if head.startswith(PCAPNG_MAGIC):
        return ArtifactKind.PCAPNG
    if is_zip(head) or is_tar(head):
        return ArtifactKind.ARCHIVE
    if unsupported_archive(head) or compression_of(head):
        return ArtifactKind.BINARY
    encoding = text_encoding_of(head)
    if encoding:
        head = _utf16_to_utf8(head, encoding)
    if not head.strip():
        return ArtifactKind.TEXT if head else _by_name_only(lowered)
    if looks_binary(head):
        return ArtifactKind.BINARY
    return classify_text(head.removeprefix(b"\xef\xbb\xbf"), name,
                         complete=len(head) < HEAD_BYTES)


def _by_name_only(name: str) -> ArtifactKind:
    """An empty member: its name is all there is to go on."""
    name = name.rsplit("/", 1)[-1]
    for suffix, kind in _NAME_HINTS:
        if name.endswith(suffix):
            return kind
    return ArtifactKind.TEXT


_NAME_HINTS = (
    (".pcapng", ArtifactKind.PCAPNG),
    (".pcap", ArtifactKind.PCAP),
    (".cap", ArtifactKind.PCAP),
    (".har", ArtifactKind.HAR),
    (".sql", ArtifactKind.SQL_DUMP),
    (".log", ArtifactKind.LOG),
    (".json", ArtifactKind.JSON),
)
