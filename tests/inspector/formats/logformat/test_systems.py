"""Syslog and journals, klog, dmesg, JVM GC logs, logcat and Windows exports: each read with
its own time, zone and level. Real samples from the corpus where it has them, else the
formats' documented shapes."""

from datetime import UTC, datetime

import pytest

from inspector.formats.logformat.detection import detect
from inspector.formats.logformat.model import FileClock
from inspector.formats.logformat.systems import journal_clock, system_formats
from tests.corpus import CORPUS

REALWORLD = CORPUS / "realworld"


def read(lines, **kwargs):
    log_format = detect(lines, **kwargs)
    return log_format, [log_format.parse(line) for line in lines]


@pytest.mark.parametrize(("line", "time", "zone_known", "level", "program", "message"), [
    # journalctl -o short (RFC 3164 shape), a klog line inside: the letter is the level, and
    # the program's own header is cut off the message
    ("Feb 11 19:12:25 juju-110cc2-k8stest-4 kube-proxy.daemon[67177]: E0211 19:12:25.133070"
     '   67177 server.go:495] "Error running ProxyServer" err="stat /root/cdk: no such file"',
     datetime(2022, 2, 11, 19, 12, 25, tzinfo=UTC), True, "error", "kube-proxy.daemon",
     '"Error running ProxyServer" err="stat /root/cdk: no such file"'),
    # -o short-precise, no header of the program's own: no level
    ("Nov 10 14:17:41.900439 master-0 systemd[1]: Started Kubernetes Kubelet.",
     datetime(2022, 11, 10, 14, 17, 41, 900439, UTC), True, None, "systemd",
     "Started Kubernetes Kubelet."),
    # -o short-iso and short-iso-precise
    ("2022-02-04T09:42:52+0000 juju-04 rsyslogd[386]: [WARN] imjournal: journal reloaded",
     datetime(2022, 2, 4, 9, 42, 52, tzinfo=UTC), True, "warning", "rsyslogd",
     "imjournal: journal reloaded"),
    ("2022-02-04T10:42:52.123456+01:00 web-01 nginx[12]: 2022/02/04 10:42:52 [emerg] 12#12: "
     "bind() failed", datetime(2022, 2, 4, 9, 42, 52, 123456, UTC), True, "critical", "nginx",
     "12#12: bind() failed"),
    # -o short-full and -o short-unix
    ("Fri 2022-02-04 09:42:52 UTC juju-04 sshd[901]: error: PAM: Authentication failure",
     datetime(2022, 2, 4, 9, 42, 52, tzinfo=UTC), True, "error", "sshd",
     "PAM: Authentication failure"),
    ("1643967772.123456 juju-04 dockerd[733]: time=\"2022-02-04T09:42:52Z\" level=warning "
     'msg="no cgroup mount"', datetime(2022, 2, 4, 9, 42, 52, 123456, UTC), True, "warning",
     "dockerd", None),
    # RFC 3164 with a priority: the priority is the level when the message has no header
    ("<11>Feb  4 09:42:52 db-01 backup[77]: dump of orders failed",
     datetime(2022, 2, 4, 9, 42, 52, tzinfo=UTC), True, "error", "backup",
     "dump of orders failed"),
])
def test_journal_and_syslog_lines(line, time, zone_known, level, program, message):
    header = "-- Logs begin at Fri 2022-02-04 08:00:00 UTC, end at Fri 2022-11-11 09:00:00 UTC. --"
    log_format = detect([header, line, line], default_year=2030)
    assert log_format.name == "syslog"
    record = log_format.parse(line)
    assert (record.time, record.zone_known, record.level, record.logger) == \
        (time, zone_known, level, program)
    if message is not None:
        assert record.message == message


def test_a_journal_header_gives_zone_year_and_end_and_its_lines_continue_entries():
    lines = ["-- Logs begin at Fri 2022-02-04 09:42:52 CET, end at Thu 2022-02-10 09:39:55 CET. --",
             "Feb 04 09:42:52 host systemd-journald[62]: Journal started",
             "-- Subject: The journal has been started",
             "-- Defined-By: systemd",
             "-- Reboot --",
             "Feb 04 10:00:00 host rabbitmq-server[900]: started"]
    log_format, records = read(lines, default_year=2030,
                               anchor=datetime(2030, 1, 1, tzinfo=UTC))
    assert log_format.name == "syslog"
    assert records[1].time == datetime(2022, 2, 4, 8, 42, 52, tzinfo=UTC)  # CET is +01:00
    assert records[1].zone_known
    assert log_format.year_source == "header"
    assert records[2] is None and records[3] is None and records[4] is None
    assert log_format.clock.end == datetime(2022, 2, 10, 8, 39, 55, tzinfo=UTC)
    assert journal_clock(["Feb 04 09:42:52 host x: y"], FileClock(2030)) == FileClock(2030)


def test_a_year_written_in_the_line_wins_over_the_file_time():
    # The anchor (file modified in 2031) must not move a line that says its year.
    lines = ['time="2025-03-01T10:00:00Z" level=error msg="x"',
             '10.0.0.1 - - [25/Feb/2019:10:00:00 +0000] "GET / HTTP/1.1" 500 12']
    anchor = datetime(2031, 6, 1, tzinfo=UTC)
    assert detect(lines[:1] * 3, anchor=anchor).parse(lines[0]).time.year == 2025
    assert detect(lines[1:] * 3, anchor=anchor).parse(lines[1]).time.year == 2019


@pytest.mark.parametrize(("line", "time", "level"), [
    ("E1002 02:37:18.982345    1128 file.go:190] Could not read config",
     datetime(2026, 10, 2, 2, 37, 18, 982345, UTC), "error"),
    ("W1002 02:37:18.000001 1 reflector.go:324] watch ended", None, "warning"),
    ("F1002 02:37:19.100000    7 server.go:9] cannot listen", None, "critical"),
    # glog 0.7 writes the year
    ("I20240105 10:00:00.000123  1234 main.cc:42] ready",
     datetime(2024, 1, 5, 10, 0, 0, 123, UTC), "info"),
])
def test_klog_and_glog_read_the_letter_as_the_level(line, time, level):
    log_format = detect([line] * 3, default_year=2026)
    assert log_format.name == "klog"
    record = log_format.parse(line)
    assert record.level == level
    if time is not None:
        assert record.time == time
    assert log_format.parse("goroutine 1 [running]:") is None  # a panic's lines continue


@pytest.mark.parametrize(("line", "time", "level", "message"), [
    ("[    0.153622] pinctrl core: initialized pinctrl subsystem", None, None,
     "pinctrl core: initialized pinctrl subsystem"),
    ("[ 5.123456][  T41] EXT4-fs (sda1): mounted", None, None, "EXT4-fs (sda1): mounted"),
    ("<3>[   12.000000] ata1: failed to resume link", None, "error", "ata1: failed to resume link"),
    ("kern  :err   : [  812.123456] blk_update_request: I/O error, dev loop11", None, "error",
     "blk_update_request: I/O error, dev loop11"),
    ("[Fri Feb  4 09:42:52 2022] Out of memory: Killed process 1012 (java)",
     datetime(2022, 2, 4, 9, 42, 52, tzinfo=UTC), None,
     "Out of memory: Killed process 1012 (java)"),
])
def test_dmesg_in_its_forms(line, time, level, message):
    log_format = detect([line] * 3)
    assert log_format.name == "dmesg"
    record = log_format.parse(line)
    assert (record.time, record.level, record.message) == (time, level, message)


def test_real_dmesg_and_kernel_console_logs_are_read_line_by_line():
    dmesg = (REALWORLD / "sos/sosreport-juju-110cc2-k8stest-4/sos_commands/kernel/dmesg")
    if not dmesg.exists():
        pytest.skip("corpus absent")
    lines = dmesg.read_text(errors="replace").splitlines()
    log_format, records = read(lines[:200])
    assert log_format.name == "dmesg"
    assert all(record is not None for record in records if record)  # every line a record
    assert all(record.level is None for record in records)  # plain dmesg writes no level


def test_real_gc_logs_are_read_with_their_times_and_levels():
    folder = REALWORLD / "jvm/gc"
    if not folder.exists():
        pytest.skip("corpus absent")
    unified = (folder / "unified-g1/jvm-gc-10Nov2022.log").read_text().splitlines()
    log_format, records = read(unified[:200])
    assert log_format.name == "jvm-unified"
    first = records[0]
    assert first.time == datetime(2022, 11, 10, 11, 37, 29, 443000, UTC)  # -0800 read
    assert (first.level, first.logger, first.message) == ("info", "gc,heap",
                                                          "Heap region size: 2M")
    uptime_only = (folder / "unified-shenandoah/shenandoah.log.0").read_text().splitlines()
    log_format, records = read(uptime_only[:200])
    assert log_format.name == "jvm-unified" and records[0].time is None
    assert records[0].level == "info"
    jdk8 = (folder / "preunified-parallel/long_pause.log").read_text().splitlines()
    log_format, records = read(jdk8[:200])
    assert log_format.name == "jvm-gc"
    assert records[0].time == datetime(2017, 3, 5, 12, 46, 46, 551000, UTC)
    assert records[0].message.startswith("Total time for which application threads")


@pytest.mark.parametrize(("line", "level", "tag"), [
    ("11-17 09:14:01.233  1234  5678 E AndroidRuntime: FATAL EXCEPTION: main", "error",
     "AndroidRuntime"),
    ("03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs", "debug",
     "WindowManager"),
    ("11-17 09:14:01.233 W/ActivityManager(  612): Slow operation", "warning",
     "ActivityManager"),
])
def test_logcat_reads_its_letter(line, level, tag):
    log_format = detect([line] * 3, default_year=2026)
    assert log_format.name == "logcat"
    record = log_format.parse(line)
    assert (record.level, record.logger) == (level, tag)
    assert record.time == datetime(2026, int(line[:2]), int(line[3:5]), int(line[6:8]),
                                   int(line[9:11]), int(line[12:14]), int(line[15:18]) * 1000,
                                   UTC)


def test_windows_event_viewer_exports_read_level_and_12_hour_clock():
    lines = ["Error\t2/25/2019 10:00:00 PM\tService Control Manager\t7000\tNone\tThe Print "
             "Spooler service failed to start",
             "Information,2/25/2019 9:59:58 AM,EventLog,6005,None,The Event log service was "
             "started.",
             'Warning,12/1/2019 12:05:00 AM,"Disk",153,None,"The IO operation was retried."']
    log_format, records = read(lines)
    assert log_format.name == "windows-events"
    assert [r.level for r in records] == ["error", "info", "warning"]
    assert [r.time for r in records] == [datetime(2019, 2, 25, 22, 0, tzinfo=UTC),
                                         datetime(2019, 2, 25, 9, 59, 58, tzinfo=UTC),
                                         datetime(2019, 12, 1, 0, 5, tzinfo=UTC)]
    assert records[0].logger == "Service Control Manager"


def test_system_patterns_treat_all_digits_alike_where_they_can():
    # The fast path reads one layout per line shape (a priority in digits is a variant, see
    # ``LogFormat.layout``); only RFC 5424's version "1" and epoch seconds ("1" and nine
    # digits) are literal digits, and those formats are read line by line.
    slow = [f for f in system_formats(None, FileClock()) if not f.memoizable]
    assert len(slow) == 2
    assert {f.time_format.name for f in slow} == {"iso", "epoch"}
    assert all(f.name == "syslog" for f in slow)
