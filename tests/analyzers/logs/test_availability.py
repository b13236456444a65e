"""Restarts, crashes and stops as findings with their downtime, and as timeline events: on
real server logs (ANSWERS.md of the corpus's realworld/ says what they show) and on logs
made in the servers' own words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from analyzers.logs.availability import duration_text
from inspector.model import Severity
from tests.analyzers.logs.sample_logs import analyze, app_log, corpus_run, stamp

RABBIT = "sos/sosreport-juju-04f1e3-1-lxd-5/var/log/rabbitmq/rabbit@juju-04f1e3-1-lxd-5.log"


def lines(run, finding) -> list[int]:
    return [e.locator.line for e in finding.evidence]


def test_rabbitmq_stopped_with_its_container_without_a_word():
    """ANSWERS: the deployment restart is clean; the 2022-02-04 stop logged nothing, the
    node was down from 11:32:38 (line 5325) until it started again on the 9th."""
    run = corpus_run(RABBIT)
    (restart,) = run.by_rule("log.restart")
    assert restart.severity is Severity.HIGH
    clean, unlogged = restart.facts["episodes"]
    assert (clean["stop"], clean["last_seen_line"], clean["start_line"]) == ("clean", 230, 264)
    assert (unlogged["stop"], unlogged["last_seen_line"]) == ("unlogged", 5325)
    assert unlogged["last_seen"] == "2022-02-04T11:32:38.922000Z"
    assert unlogged["started"].startswith("2022-02-09T22:4")
    assert "down 5 d 11 h from 2022-02-04 11:32:38" in restart.title
    # Evidence: the start lines first, then where it was last seen up.
    assert lines(run, restart) == [264, 5337, 230, 5325]
    assert "ended without a word" in restart.detail
    # Noise: 1,246 "client unexpectedly closed TCP connection" warnings, no [error] line.
    assert not [f for f in run.findings
                if f.rule != "log.restart" and f.severity > Severity.LOW]
    starts = [e for e in run.events if "started again" in e.message]
    assert [e.locator.line for e in starts] == [264, 5337]


def test_the_hosts_journal_stopping_the_unit_is_no_restart_of_the_service():
    """The previous boot's journal: systemd stops RabbitMQ with the container; that is the
    host's to judge (issue 16), not a second restart finding from the journal."""
    run = corpus_run("sos/sosreport-juju-04f1e3-1-lxd-5/sos_commands/logs/"
                     "journalctl_--no-pager_--catalog_--boot_-1")
    assert run.stats["year_from"] == "file-header"  # "Feb 04 09:42:52" is 2022's
    assert run.stats["time_range"][0] == "2022-02-04T09:42:52Z"
    assert not run.by_rule("log.restart") and not run.by_rule("log.crash")
    assert not [f for f in run.findings if f.severity > Severity.LOW]


def test_mysql_crash_then_restart_is_one_restart_after_a_crash():
    """errlog008: the assertion failure (line 1), signal 11 (9), ``mysqld restarted`` (37)."""
    run = corpus_run("db/mysql/errlogs/errlog008.txt")
    (restart,) = run.by_rule("log.restart")
    (episode,) = restart.facts["episodes"]
    assert (episode["stop"], episode["last_seen_line"], episode["start_line"]) == \
        ("crash", 1, 37)
    assert episode["downtime_seconds"] == 6 and restart.severity is Severity.HIGH
    crashed = [e for e in run.events if "crashed" in e.message]
    assert [e.locator.line for e in crashed] == [1]


@pytest.mark.parametrize(("relative", "line", "time"), [
    # InnoDB's assertion failure (line 3) while checking a table, then signal 6.
    ("db/mysql/errlogs/errlog004.txt", 3, datetime(2009, 9, 2, 11, 8, 43, tzinfo=UTC)),
    # 378 long semaphore waits, then InnoDB's watchdog asserts (line 2437): the records run
    # over hundreds of lines, the time is still read.
    ("db/mysql/errlogs/errlog007.txt", 2437, datetime(2009, 12, 5, 4, 49, 4, tzinfo=UTC)),
])
def test_mysql_crash_at_the_end_of_the_log(relative, line, time):
    run = corpus_run(relative)
    (crash,) = run.by_rule("log.crash")
    assert crash.severity is Severity.HIGH and lines(run, crash)[0] == line
    assert crash.first_seen == time


def test_galera_node_terminated_while_no_donor_could_be_chosen():
    """node2.log ends with ``/usr/sbin/mysqld: Terminated.`` at 22:00:27 (line 5463)."""
    run = corpus_run("db/mysql/galera-upgrade/node2.log")
    (crash,) = run.by_rule("log.crash")
    assert lines(run, crash)[0] == 5463
    assert crash.first_seen == datetime(2023, 3, 12, 22, 0, 27, 237470, tzinfo=UTC)
    (restart,) = run.by_rule("log.restart")
    assert restart.facts["restarts"] >= 4  # 5.7.40 three times, then 8.0.28
    # 10:03:03, the 8.0 start refuses to bootstrap and aborts (lines 1325-1327): errors
    # before a start that failed are why it failed, not start-up noise.
    refused = {f.evidence[0].locator.line: f for f in run.by_rule("log.new-error")
               if f.first_seen.replace(second=0, microsecond=0)
               == datetime(2023, 3, 12, 10, 3, tzinfo=UTC)}
    assert {1325, 1326, 1327} <= set(refused)
    assert all(f.severity is Severity.MEDIUM and "start-up" not in f.title
               for f in refused.values())


@pytest.mark.parametrize(("relative", "line"), [
    # ES 6.2.4: ``stopping ...`` (56) and ``closed`` (59); 19 low-disk-watermark INFO lines
    # are a capacity note, not an outage.
    ("logs/beats/elasticsearch-server/elasticsearch.624.log", 59),
    # MongoDB: lines out of time order; the clean stop is ``dbexit: rc: 0`` (line 25).
    ("logs/beats/mongodb-log/mongodb-debian-3.2.11.log", 25),
])
def test_clean_stops_at_the_end_are_context(relative, line):
    run = corpus_run(relative)
    (stopped,) = run.by_rule("log.stopped")
    assert stopped.severity is Severity.INFO and lines(run, stopped) == [line]
    assert not run.by_rule("log.restart") and not run.by_rule("log.crash")
    if "elasticsearch" in relative:
        assert [f.rule for f in run.findings if f.severity > Severity.INFO] == []


@pytest.mark.parametrize("relative", [
    # mysqladmin debug's "Status information:" and "Memory status:" dumps: noise.
    "db/mysql/errlogs/errlog005.txt",
    "db/mysql/errlogs/errlog009.txt",
    # CloudNativePG's JSON lines: no crash is claimed for this file.
    "db/postgresql/cnpg.log.gz",
])
def test_status_dumps_and_a_healthy_operator_log_claim_no_outage(relative):
    run = corpus_run(relative)
    assert not {"log.restart", "log.crash"} & run.rules()
    assert [f.title for f in run.findings if f.severity > Severity.LOW] == []


def test_redis_operator_shutdown_is_not_a_crash():
    """Filebeat's redis sample: ``Received SIGINT scheduling shutdown...`` is an operator's."""
    run = corpus_run("logs/beats/redis-log/test.log")
    assert not run.by_rule("log.crash")
    # Its ready line has no year, the shutdown an epoch of 2017: no five-year "downtime".
    assert not run.by_rule("log.restart")


def _kafka(moment: datetime, text: str) -> str:
    return f"[{stamp(moment)}] INFO {text}"


def test_kafka_broker_shut_down_and_back_with_its_downtime():
    start = datetime(2016, 12, 19, 17, 0, tzinfo=UTC)
    out = [_kafka(start, "starting (kafka.server.KafkaServer)"),
           _kafka(start + timedelta(seconds=9), "[KafkaServer id=1] started "
                                                "(kafka.server.KafkaServer)")]
    out += [_kafka(start + timedelta(minutes=m), f"[GroupCoordinator 1]: Stabilized group "
                                                 f"g{m} generation 3") for m in range(1, 74)]
    down = datetime(2016, 12, 19, 18, 14, 2, tzinfo=UTC)
    out += [_kafka(down, "[KafkaServer id=1] shutting down (kafka.server.KafkaServer)"),
            _kafka(down + timedelta(seconds=3), "[KafkaServer id=1] shut down completed "
                                                "(kafka.server.KafkaServer)")]
    up = datetime(2016, 12, 19, 19, 27, 47, tzinfo=UTC)
    out += [_kafka(up, "starting (kafka.server.KafkaServer)"),
            _kafka(up + timedelta(seconds=8), "[KafkaServer id=1] started "
                                              "(kafka.server.KafkaServer)")]
    run = analyze(("\n".join(out) + "\n").encode(), name="kafka/server.log")
    (restart,) = run.by_rule("log.restart")
    assert restart.severity is Severity.MEDIUM  # a clean stop: someone restarted it
    (episode,) = restart.facts["episodes"]
    assert episode["stop"] == "clean" and episode["downtime_seconds"] == 4422
    assert "down 1 h 13 min from 2016-12-19 18:14:05" in restart.title
    assert lines(run, restart) == [78, 77]  # the start line, then the stop
    assert not run.by_rule("log.gap")  # the silence is the downtime, said once


def test_postgresql_recovery_after_an_unlogged_stop():
    def line(moment: datetime, pid: int, level: str, text: str) -> str:
        return f"{moment:%Y-%m-%d %H:%M:%S}.{moment.microsecond // 1000:03d} UTC [{pid}] " \
               f"{level}:  {text}"
    t = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    out = [line(t, 101, "LOG", "database system is ready to accept connections")]
    out += [line(t + timedelta(minutes=m), 200 + m, "LOG", f"checkpoint complete: wrote {m} "
                                                          f"buffers") for m in range(1, 40)]
    back = t + timedelta(hours=2)
    out += [line(back, 900, "LOG", "database system was interrupted; last known up at "
                                   "2026-03-02 09:39:00 UTC"),
            line(back, 900, "LOG", "database system was not properly shut down; automatic "
                                   "recovery in progress"),
            line(back + timedelta(seconds=4), 899, "LOG",
                 "database system is ready to accept connections")]
    run = analyze(("\n".join(out) + "\n").encode(), name="pg/postgresql.log")
    (restart,) = run.by_rule("log.restart")
    (episode,) = restart.facts["episodes"]
    assert episode["stop"] == "unlogged" and episode["recovered_on_start"]
    assert restart.severity is Severity.HIGH
    assert episode["last_seen_line"] == 40  # the last line before the silence


def test_an_initrd_hand_off_and_unit_lines_are_the_hosts():
    t = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)

    def journal(seconds: int, program: str, text: str) -> str:
        moment = t + timedelta(seconds=seconds)
        return f"{moment:%b %d %H:%M:%S} db-01 {program}: {text}"
    out = [journal(0, "systemd[1]", "Starting Cleaning Up and Shutting Down Daemons..."),
           journal(1, "systemd[1]", "Started Cleaning Up and Shutting Down Daemons."),
           journal(5, "systemd[1]", "Starting MySQL Community Server..."),
           journal(9, "mysqld[812]", "2026-05-04T07:00:09.100000Z 0 [System] [MY-010116] "
                                     "[Server] /usr/sbin/mysqld (mysqld 8.0.36) starting as "
                                     "process 812"),
           journal(12, "systemd[1]", "Started MySQL Community Server.")]
    out += [journal(60 * m, "CRON[2000]", f"(root) CMD (run-parts /etc/cron.hourly {m})")
            for m in range(1, 30)]
    out += [journal(1800, "systemd[1]", "Stopping MySQL Community Server..."),
            journal(1803, "systemd[1]", "mysql.service: Deactivated successfully."),
            journal(1804, "systemd[1]", "Stopped MySQL Community Server."),
            journal(1805, "systemd[1]", "Starting MySQL Community Server...")]
    run = analyze(("\n".join(out) + "\n").encode(), name="journal.txt")
    assert not run.by_rule("log.restart")
    assert not run.by_rule("log.crash") and not run.by_rule("log.stopped")


def test_a_restart_loop_of_an_application_is_a_crash_loop():
    def extra(minute, moment):
        if minute in (10, 20, 40):
            return [f"{stamp(moment)} INFO [main] c.a.App - Starting App v1.2 using Java 17 "
                    f"with PID {100 + minute}",
                    f"{stamp(moment)} INFO [main] c.a.App - Started App in 4.2 seconds"]
        return []
    text = b"2026-11-17 07:59:59,000 INFO [main] c.a.App - Starting App v1.2 using Java 17\n"
    run = analyze(text + app_log(extra=extra))
    (restart,) = run.by_rule("log.restart")
    # Three starts with no stop before them, each within half an hour of the one before.
    assert restart.count == 3 and restart.facts["crash_loop"] is True
    assert restart.facts["unclean"] == 3 and restart.severity is Severity.HIGH
    assert "(crash loop)" in restart.title
    assert lines(run, restart)[:3] == [e.locator.line for e in run.events
                                       if "started again" in e.message]


def test_duration_text():
    assert duration_text(timedelta(hours=1, minutes=9, seconds=42)) == "1 h 9 min"
    assert duration_text(timedelta(seconds=6)) == "6 s"
