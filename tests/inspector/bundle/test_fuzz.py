"""Random and mutated archives: the reader returns or records a problem; it never raises
anything but ``BundleOpenError`` out of ``open_bundle``, never hangs, and reading any member
it admitted raises at most ``OSError`` or ``LimitExceeded``.
"""

from __future__ import annotations

import gzip
import struct
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from inspector.bundle import BundleOpenError, open_bundle
from inspector.bundle.streams import LimitExceeded, Limits
from inspector.testing import compress, tar_bytes, zip_bytes

LOG = b"2026-11-17 09:14:01,233 ERROR [main] boom\n" * 30
SMALL = Limits(max_total_bytes=50_000_000, max_seconds=20, ratio_floor=1_000_000)


def seeds() -> list[bytes]:
    nested = zip_bytes({"inner/app.log": LOG, "x.har": b'{"log": {"entries": []}}'})
    return [
        zip_bytes({"a.log": LOG, "n.zip": nested}),
        tar_bytes({"a.log": LOG, "b.gz": gzip.compress(LOG)}, "gzip"),
        tar_bytes({"a.log": LOG, "n.zip": nested}, "bz2"),
        tar_bytes({"a.log": LOG}, "xz"),
        compress(LOG, "gzip"),
    ]


SEEDS = seeds()


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        action = draw(st.sampled_from(["flip", "cut", "splice", "zero"]))
        position = draw(st.integers(0, max(0, len(data) - 1)))
        if action == "flip" and data:
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "cut":
            del data[position:]
        elif action == "splice":
            data[position:position] = draw(st.binary(max_size=64))
        elif action == "zero":
            data[position:position + 16] = bytes(min(16, len(data) - position))
    return bytes(data)


def exercise(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            bundle = open_bundle(path, SMALL)
        except BundleOpenError:
            return
        with bundle:
            for artifact in bundle.readable_artifacts:
                try:
                    with bundle.open(artifact) as stream:
                        while stream.read(1 << 20):
                            pass
                except (OSError, LimitExceeded):
                    pass


# Found by this test in CI: a central-directory entry with an empty name made zipfile's
# ZipInfo.is_dir() raise IndexError.
def _empty_name_entry() -> bytes:
    data = bytearray(zip_bytes({"a.log": LOG}))
    entry = data.rindex(b"PK\x01\x02")
    struct.pack_into("<H", data, entry + 28, 0)  # name length 0 ...
    del data[entry + 46 : entry + 51]  # ... and the name gone
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<I", data, end + 12, struct.unpack_from("<I", data, end + 12)[0] - 5)
    return bytes(data)


EMPTY_NAME_ENTRY = _empty_name_entry()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.sampled_from(["case.zip", "case.tgz", "case.bin", "app.log.gz"]))
@example(EMPTY_NAME_ENTRY, "case.zip")
def test_mutated_archives(data, name):
    exercise(data, name)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=4096), st.sampled_from([b"", b"PK\x03\x04", b"\x1f\x8b\x08", b"BZh9",
                                                  bytes.fromhex("fd377a585a00")]))
def test_random_bytes_behind_archive_magic(tail, magic):
    exercise(magic + tail, "random.bin")
