"""Member contents the bundle reader's tests put in bundles, and two views of an opened
bundle."""

from __future__ import annotations

from inspector.model import ArtifactKind

LOG = b"".join(b"2026-11-17 09:14:%02d,233 ERROR [main] c.a.Pool - timeout\n" % s
               for s in range(40))
HAR = b'{"log": {"version": "1.2", "creator": {"name": "x"}, "entries": []}}'
PCAPNG = bytes.fromhex("0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000")
DUMP = b"-- MySQL dump 10.13\n--\nCREATE TABLE t (id int primary key);\n"


def kinds(bundle) -> dict[str, ArtifactKind]:
    return {a.path: a.kind for a in bundle.artifacts}


def rules(bundle) -> set[str]:
    return {f.rule for f in bundle.findings}

