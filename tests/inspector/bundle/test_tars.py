"""Tars: links and special members listed and never followed; a cut tar keeps what came
before the cut."""

from __future__ import annotations

import os
import tarfile

import pytest

from inspector.bundle.opening import open_root
from inspector.bundle.reader import open_bundle
from inspector.bundle.streams import Budget, Limits
from inspector.model import ArtifactStatus
from inspector.testing import Link, Special, make_bundle, tar_bytes
from tests.inspector.bundle.contents import LOG, rules


def test_tar_links_and_special_members_are_listed_never_followed(tmp_path):
    path = make_bundle(tmp_path / "case.tgz", {
        "logs/app.log": LOG,
        "logs/current": Link("app.log"),
        "logs/shadow": Link("/etc/shadow"),
        "logs/hard": Link("logs/app.log", hard=True),
        "logs/outside": Link("../../../../etc/passwd", hard=True),
        "dev/sda": Special(tarfile.BLKTYPE),
        "run/pipe": Special(tarfile.FIFOTYPE),
    })
    with open_bundle(path) as bundle:
        skipped = {a.path: a.reason for a in bundle.artifacts
                   if a.status is ArtifactStatus.SKIPPED}
        assert set(skipped) == {"logs/current", "logs/shadow", "logs/hard", "logs/outside",
                                "dev/sda", "run/pipe"}
        assert "symbolic link to '/etc/shadow'" in skipped["logs/shadow"]
        assert "hard link" in skipped["logs/outside"]
        assert "fifo" in skipped["run/pipe"]
        reasons = {f.facts["reason"] for f in bundle.findings if f.rule == "bundle.member-skipped"}
        assert reasons == {"link", "special"}
        with pytest.raises(OSError):
            bundle.open("logs/shadow")


def test_truncated_tgz_keeps_the_members_before_the_cut(tmp_path):
    noisy = b"".join(b"%d %s\n" % (n, os.urandom(24).hex().encode()) for n in range(2000))
    data = tar_bytes({f"logs/{i}.log": noisy for i in range(6)}, "gzip")
    (tmp_path / "cut.tgz").write_bytes(data[: len(data) * 2 // 3])
    with open_bundle(tmp_path / "cut.tgz") as bundle:
        good = [a for a in bundle.artifacts if a.status is ArtifactStatus.ANALYZED]
        assert good and good[0].path == "logs/0.log"
        assert "bundle.unreadable" in rules(bundle)
        assert bundle.open("logs/0.log").read() == noisy



def test_listing_keeps_offsets_not_every_header_it_read(tmp_path):
    path = make_bundle(tmp_path / "many.tgz", {f"logs/{n:04d}.log": b"x" for n in range(2_000)})
    container = open_root(path, Limits())
    try:
        members = list(container.members())
        assert len(members) == 2_000 and container.tar.members == []
        assert [m.key for m in members] == sorted(m.key for m in members)  # header offsets
        with container.open_member(members[-1], Budget.for_member(Limits()), "last") as last:
            assert last.read() == b"x"
    finally:
        container.close()
