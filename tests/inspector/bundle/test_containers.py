"""Every kind of container, through the one interface the scan and the bundle use: members
listed with their keys, and each opened by its key to the same bytes, every time."""

from __future__ import annotations

import io

import pytest

from inspector.bundle.containers import Container, Member
from inspector.bundle.opening import open_root
from inspector.bundle.streams import Budget, LimitExceeded, Limits
from inspector.bundle.zip_recovery import RecoveredZipContainer
from inspector.testing import make_bundle, zip_bytes
from tests.inspector.bundle.contents import HAR, LOG

MEMBERS = {"logs/app.log": LOG, "browser/session.har": HAR, "empty.txt": b""}


def listed(container: Container) -> dict[str, bytes]:
    budget = Budget.for_member(Limits())
    out = {}
    for member in container.members():
        if member.type == "dir":
            continue
        with container.open_member(member, budget, member.name) as stream:
            out[member.name] = stream.read()
        with container.open_member(member.key, budget, member.name) as stream:
            assert stream.read() == out[member.name]  # a key alone finds it again
    return out


@pytest.mark.parametrize("suffix", [".zip", ".tar", ".tgz", ".tar.bz2", ".tar.xz", "-folder"])
def test_every_container_lists_and_opens_the_same_members(tmp_path, suffix):
    container = open_root(make_bundle(tmp_path / f"case{suffix}", MEMBERS), Limits())
    try:
        assert listed(container) == MEMBERS
        sizes = {m.name: m.size for m in container.members() if m.type == "file"}
        assert sizes == {name: len(data) for name, data in MEMBERS.items()}
    finally:
        container.close()


def test_a_loose_file_is_its_only_member(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(LOG)
    container = open_root(path, Limits())
    assert container.kind == "file"
    assert listed(container) == {"app.log": LOG}


def test_a_recovered_zip_offers_the_same_interface():
    data = zip_bytes(MEMBERS)
    container = RecoveredZipContainer(io.BytesIO(data[: data.rindex(b"PK\x01\x02")]),
                                      "cut.zip", "no directory")
    assert listed(container) == MEMBERS


def test_every_member_stream_is_guarded_by_the_budget(tmp_path):
    container = open_root(make_bundle(tmp_path / "case.zip", {"app.log": LOG * 100}), Limits())
    budget = Budget.for_member(Limits(max_member_bytes=1_000))
    [member] = container.members()
    with container.open_member(member, budget, "app.log") as stream, \
            pytest.raises(LimitExceeded):
        stream.read()
    container.close()


def test_the_base_container_lists_nothing_it_does_not_know():
    base = Container()
    with pytest.raises(NotImplementedError):
        next(base.members())
    with pytest.raises(NotImplementedError):
        base.open_member(Member("a", 0, 0), Budget.for_member(Limits()), "a")
    base.close()
