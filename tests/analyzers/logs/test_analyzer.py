import gzip
import io
import random
import struct
import tarfile
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analyzers.logs.analyzer import LogAnalyzer
from inspector.bundle import open_bundle
from inspector.engine import Engine
from inspector.model import Artifact, ArtifactKind, ArtifactStatus, Severity
from inspector.plugins import Cancelled
from inspector.testing import BytesSource, RecordingContext, run_analyzer
from tests.analyzers.logs.sample_logs import analyze, app_log
from tests.corpus import CORPUS


def test_truncated_gzip_stream_keeps_what_was_read():
    class Truncated:
        """A gzip member cut short, read through ``gzip`` as the bundle reader does."""

        def __init__(self, data):
            self.data = data
            self.artifact = Artifact("app.log.1.gz", ArtifactKind.LOG, 10)

        def open(self):
            return gzip.GzipFile(fileobj=io.BytesIO(self.data))

    log = app_log(minutes=2)
    context = RecordingContext()
    items = list(LogAnalyzer(default_year=2026).analyze(
        Truncated(gzip.compress(log)[:-30]), context))
    assert any("reading stopped" in w and "EOFError" in w for w in context.warnings)
    assert 1 <= items[-1].values["lines"] <= log.count(b"\n")


def test_cancellation_is_honoured():
    with pytest.raises(Cancelled):
        analyze(app_log(minutes=60, per_minute=2500),
                context=RecordingContext(cancel_after_checks=0))


@pytest.mark.timeout(30)
def test_crafted_lines_do_not_backtrack():
    crafted = ("2026-11-17 08:00:01,000 ERROR [" + "[a" * 20_000 + " " + "a." * 50_000
               + " java.lang." + "A" * 100_000 + "\n")
    run = analyze(crafted.encode() * 3)
    assert run.stats["events"] == 3


# --- timestamps without a year ----------------------------------------------------------------

COLLECTED = datetime(2026, 1, 2, 6, 25, 3, tzinfo=UTC)  # logrotate's run on 2 January


def december_syslog() -> bytes:
    """Three days of a web server's syslog up to New Year's Eve, with nginx's workers
    crashing (nginx logs its errors to syslog, with its own header)."""
    rng = random.Random(7)
    lines = []
    moment = datetime(2025, 12, 29, 0, 2, 11, tzinfo=UTC)
    while moment < datetime(2025, 12, 31, 23, 50, tzinfo=UTC):
        stamp = f"{moment:%b} {moment.day:2d} {moment:%H:%M:%S}"
        if moment.minute < 10 and moment.hour % 6 == 0:
            lines.append(f"{stamp} web-01 nginx[2231]: {moment:%Y/%m/%d %H:%M:%S} [alert] "
                         f"2231#2231: worker process {rng.randint(2240, 2299)} exited on "
                         f"signal 11 (core dumped)")
        else:
            lines.append(f"{stamp} web-01 CRON[{rng.randint(20000, 29999)}]: (root) CMD "
                         f"(command -v debian-sa1 > /dev/null && debian-sa1 1 1)")
        moment += timedelta(minutes=rng.randint(3, 11), seconds=rng.randint(0, 59))
    return ("\n".join(lines) + "\n").encode()


def _zip(member: str, data: bytes, date_time: tuple[int, ...], extra: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(member, date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.extra = extra
        archive.writestr(info, data)
    return buffer.getvalue()


def _tgz(member: str, data: bytes, mtime: float) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo(member)
        info.size, info.mtime = len(data), mtime
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _analyze_bundle(path: Path) -> dict:
    with open_bundle(path) as bundle:
        return Engine([LogAnalyzer(default_year=2030)], isolation="inline").run(bundle).to_json()


BUNDLES = {
    # Python's zipfile and most collectors: the DOS time only (here the collector ran in UTC).
    "zip": ("case.zip", lambda data: _zip("var/log/syslog", data, (2026, 1, 2, 6, 25, 2))),
    # Info-ZIP on a host in Tokyo: local DOS time, and the UTC time in the 0x5455 field.
    "zip-extended": ("case.zip", lambda data: _zip(
        "var/log/syslog", data, (2026, 1, 2, 15, 25, 2),
        struct.pack("<HHBI", 0x5455, 5, 0x01, int(COLLECTED.timestamp())))),
    "tgz": ("case.tgz", lambda data: _tgz("var/log/syslog", data, COLLECTED.timestamp())),
}


@pytest.mark.parametrize("shape_name", sorted(BUNDLES))
def test_syslog_collected_in_january_keeps_december_in_the_year_before(tmp_path, shape_name):
    name, build = BUNDLES[shape_name]
    path = tmp_path / name
    path.write_bytes(build(december_syslog()))
    document = _analyze_bundle(path)
    (artifact,) = document["artifacts"]
    assert artifact["modified"].startswith("2026-01-02T06:25:0")
    stats = document["stats"]["var/log/syslog"]["logs"]
    assert stats["format"] == "syslog" and stats["year_from"] == "file-modified"
    assert stats["time_range"][0].startswith("2025-12-29T00:02:11")
    assert stats["time_range"][1].startswith("2025-12-31T")
    # The timeline now lines the crashes up in the year they happened.
    crashes = [e["time"] for e in document["timeline"]]
    assert crashes and all(time.startswith("2025-12-") for time in crashes)
    # Same file, same time: the same document.
    again = _analyze_bundle(path)
    document.pop("timings"), again.pop("timings")
    assert again == document


def _oom_kill(stamp: str, pid: int) -> str:
    return (f"{stamp} web-01 kernel: [8812345.123456] Out of memory: Killed process {pid} "
            f"(java) total-vm:6291456kB, anon-rss:2097152kB, file-rss:0kB, shmem-rss:0kB")


def test_syslog_spanning_new_year_modified_in_january(tmp_path):
    cron = "(root) CMD (test -x /etc/cron.daily/popularity-contest)"
    lines = [f"Dec 31 {hour:02d}:{minute:02d}:07 web-01 CRON[2{hour}{minute}]: {cron}"
             for hour in (22, 23) for minute in range(0, 60, 5)]
    lines.append(_oom_kill("Dec 31 23:58:41", 2231))
    lines += [f"Jan  1 {hour:02d}:{minute:02d}:07 web-01 CRON[2{hour}{minute}]: {cron}"
              for hour in range(0, 6) for minute in range(0, 60, 15)]
    lines.insert(-10, _oom_kill("Jan  1 03:12:09", 2388))
    path = tmp_path / "case.zip"
    path.write_bytes(_zip("var/log/syslog", ("\n".join(lines) + "\n").encode(),
                          (2026, 1, 1, 6, 25, 2)))
    document = _analyze_bundle(path)
    stats = document["stats"]["var/log/syslog"]["logs"]
    assert stats["time_range"] == ["2025-12-31T22:00:07Z", "2026-01-01T05:45:07Z"]
    assert [e["time"] for e in document["timeline"]] == ["2025-12-31T23:58:41Z",
                                                         "2026-01-01T03:12:09Z"]


def test_year_from_says_what_placed_timestamps_without_a_year():
    syslog = december_syslog()
    pinned = analyze(syslog, name="var/log/syslog")
    assert pinned.stats["year_from"] == "default-year"
    assert pinned.stats["time_range"][0].startswith("2026-12-29")  # default_year=2026
    assert run_analyzer(LogAnalyzer(), syslog, name="var/log/syslog",
                        kind=ArtifactKind.LOG).stats["year_from"] == "current-year"
    # A year in every timestamp: nothing was chosen, nothing is said.
    assert "year_from" not in analyze(app_log(minutes=2)).stats
    # The file's time wins over a pinned default year.
    source = BytesSource(Artifact("var/log/syslog", ArtifactKind.LOG, len(syslog),
                                  modified=COLLECTED), syslog)
    items = list(LogAnalyzer(default_year=2030).analyze(source, RecordingContext()))
    stats = items[-1].values
    assert stats["year_from"] == "file-modified"
    assert stats["time_range"][0].startswith("2025-12-29")


NOT_LOGS = {ArtifactKind.CONFIG, ArtifactKind.COMMAND_OUTPUT, ArtifactKind.DOCUMENT}


@pytest.mark.slow
@pytest.mark.parametrize("bundle", [
    "sosreport-juju-04f1e3-1-lxd-5-2022-02-10.tar.xz",
    "sosreport-juju-110cc2-k8stest-4-2022-02-11-ipxjpkg.tar.xz",
    "insights-operator-archive-sample.tar.gz",
    "k8s-pod-failures-cluster-dump.zip",
    "pxc-galera-upgrade-case.tar.gz",
    "jvm-app-hang-support-bundle.zip",
])
def test_real_bundles_raise_nothing_from_configuration_or_command_output(bundle):
    """Every analyzer over the corpus's real bundles: no configuration file, command output
    or document is the evidence of a finding above ``low``, and no artifact says
    "analyzed" with no analyzer."""
    from analyzers import BUILTIN
    from inspector.engine.pipeline import run_analysis

    path = CORPUS / "realworld" / "bundles" / bundle
    if not path.exists():
        pytest.skip("corpus absent")
    analysis = run_analysis(path, BUILTIN, plugins=False, isolation="inline")
    kinds = {artifact.path: artifact.kind for artifact in analysis.artifacts}
    assert [a.path for a in analysis.artifacts
            if a.status is ArtifactStatus.ANALYZED and not a.analyzers] == []
    raised = [(f.rule, f.title) for f in analysis.findings if f.severity > Severity.LOW
              and any(kinds.get(e.artifact) in NOT_LOGS for e in f.evidence)]
    assert raised == []


def test_the_sosreports_hold_configuration_and_command_output_for_that_test_to_judge():
    from inspector.bundle.classify import classify_text

    sos = CORPUS / "realworld" / "sos" / "sosreport-juju-04f1e3-1-lxd-5"
    if not sos.exists():
        pytest.skip("corpus absent")
    kinds = {classify_text(path.read_bytes()[:65536], str(path.relative_to(sos)))
             for path in sos.rglob("*") if path.is_file()}
    assert {ArtifactKind.CONFIG, ArtifactKind.COMMAND_OUTPUT} <= kinds
