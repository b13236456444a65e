"""Lifecycle markers of the servers support meets most, and the story they tell."""

from datetime import UTC, datetime, timedelta

import pytest

from analyzers.logs.lifecycle import (
    ANYWHERE_ALTERNATIVES,
    ANYWHERE_WORDS,
    CRASHED,
    MARKER_PATTERN,
    READY,
    RECOVERING,
    STARTING,
    STOPPED,
    STOPPING,
    Lifecycle,
    Marker,
    Sighting,
    StartupWindows,
    crash_loop,
    lifecycle_marker,
    start_times,
)
from inspector.formats.logformat import digit_blind

T0 = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(("message", "service", "phase"), [
    # MySQL / MariaDB, 5.0 to 8.0 (messages as the header leaves them)
    ("/usr/sbin/mysqld (mysqld 8.0.28-19.1) starting as process 1744553", "MySQL", STARTING),
    ("mysqld started", "MySQL", STARTING),
    ("/usr/sbin/mysqld: ready for connections. Version: '8.0.28'", "MySQL", READY),
    ("/usr/sbin/mysqld: Normal shutdown", "MySQL", STOPPING),
    ("/usr/sbin/mysqld: Shutdown complete (mysqld 8.0.28-19.1)", "MySQL", STOPPED),
    ("mysqld got signal 11;", "MySQL", CRASHED),
    ("InnoDB: Assertion failure in thread 1312495936 in file fil/fil0fil.c line 752",
     "MySQL", CRASHED),
    ("Aborting", "MySQL", CRASHED),
    ("InnoDB: Database was not shutdown normally!", "MySQL", RECOVERING),
    # PostgreSQL
    ("database system is ready to accept connections", "PostgreSQL", READY),
    ("received fast shutdown request", "PostgreSQL", STOPPING),
    ("database system is shut down", "PostgreSQL", STOPPED),
    ("server process (PID 4242) was terminated by signal 9: Killed", "PostgreSQL", CRASHED),
    ("database system was not properly shut down; automatic recovery in progress",
     "PostgreSQL", RECOVERING),
    # Kafka, ZooKeeper, Elasticsearch, nginx
    ("[KafkaServer id=1] started (kafka.server.KafkaServer)", "Kafka", READY),
    ("[Kafka Server 1], shutting down (kafka.server.KafkaServer)", "Kafka", STOPPING),
    ("[KafkaServer id=1] shut down completed (kafka.server.KafkaServer)", "Kafka", STOPPED),
    ("Fatal error during KafkaServer startup. Prepare to shutdown", "Kafka", CRASHED),
    # ... and with the ``[KafkaServer id=1]`` group read as the header's
    ("started (kafka.server.KafkaServer)", "Kafka", READY),
    ("shutting down (kafka.server.KafkaServer)", "Kafka", STOPPING),
    ("shut down completed (kafka.server.KafkaServer)", "Kafka", STOPPED),
    ("Starting quorum peer", "ZooKeeper", STARTING),
    ("starting ...", "Elasticsearch", STARTING),
    ("closed", "Elasticsearch", STOPPED),
    ("start worker processes", "nginx", READY),
    ("signal 15 (SIGTERM) received, exiting", "nginx", STOPPING),
    # RabbitMQ, Redis, MongoDB
    (" Starting RabbitMQ 3.8.2 on Erlang 22.2.7", "RabbitMQ", STARTING),
    ("Successfully stopped RabbitMQ and its dependencies", "RabbitMQ", STOPPED),
    ("Ready to accept connections", "Redis", READY),
    ("Received SIGTERM scheduling shutdown...", "Redis", STOPPING),
    ("got signal 15 (Terminated), will terminate after current cmd ends", "MongoDB", STOPPING),
    ("dbexit:  rc: 0", "MongoDB", STOPPED),
    # JVM applications
    ("Starting ReportApplication v2.3.1 using Java 17.0.9 with PID 4000", "the application",
     STARTING),
    ("Started ReportApplication in 6.512 seconds (process running for 7.1)", "the application",
     READY),
    ("Terminating due to java.lang.OutOfMemoryError: Java heap space", "the application",
     CRASHED),
])
def test_markers(message, service, phase):
    assert lifecycle_marker(message) == Marker(service, phase)


@pytest.mark.parametrize("message", [
    "Starting Cleaning Up and Shutting Down Daemons...",  # systemd's initrd hand-off
    "Failed to start the scheduler",
    "Stopping service config controller",
    "Started new session 42 of user root.",
    "user requested shutdown of job 7",
    "X Plugin ready for connections. Bind-address: '::' port: 33060",
])
def test_words_that_are_not_markers(message):
    assert lifecycle_marker(message) is None


def test_every_marker_said_anywhere_holds_a_word_the_prefilter_looks_for():
    assert len(ANYWHERE_ALTERNATIVES) >= 10
    for alternative in ANYWHERE_ALTERNATIVES:
        assert any(word in alternative for word in ANYWHERE_WORDS), alternative


def test_marker_patterns_treat_all_digits_alike():
    # One answer per line shape: the per-line loop asks once per shape.
    assert digit_blind(MARKER_PATTERN)


def _story(*steps, gaps=()):
    lifecycle = Lifecycle()
    for minutes, line, service, phase in steps:
        time = None if minutes is None else T0 + timedelta(minutes=minutes)
        lifecycle.sightings.append(Sighting(time, line, Marker(service, phase), None,
                                            f"{phase} line {line}"))
    lifecycle.close({None: (T0, 1)}, list(gaps))
    return lifecycle


def test_a_clean_restart_measures_downtime_from_the_stop():
    story = _story((0, 1, "MySQL", STARTING), (1, 5, "MySQL", READY),
                   (60, 100, "MySQL", STOPPING), (61, 110, "MySQL", STOPPED),
                   (64, 120, "MySQL", STARTING), (65, 125, "MySQL", READY))
    (restart,) = story.restarts
    assert (restart.stop, restart.clean, restart.down_line, restart.start_line) == \
        ("clean", True, 110, 120)
    assert restart.downtime == timedelta(minutes=3)
    assert not story.endings


def test_a_start_with_no_stop_is_an_unclean_stop_seen_at_the_silence():
    silence = (T0 + timedelta(minutes=30), T0 + timedelta(days=5, minutes=1), 501)
    story = _story((0, 1, "RabbitMQ", STARTING), (1, 3, "RabbitMQ", READY),
                   (5 * 24 * 60 + 2, 510, "RabbitMQ", STARTING), gaps=[silence])
    (restart,) = story.restarts
    assert restart.stop == "unlogged" and not restart.clean
    assert (restart.down_from, restart.down_line) == (silence[0], 500)
    assert restart.downtime == timedelta(days=5, minutes=2) - timedelta(minutes=30)


def test_a_crash_then_a_start_and_the_recovery_the_server_reports():
    story = _story((0, 1, "PostgreSQL", READY), (10, 50, "PostgreSQL", CRASHED),
                   (11, 60, "PostgreSQL", STARTING), (11, 61, "PostgreSQL", RECOVERING),
                   (12, 70, "PostgreSQL", READY))
    (restart,) = story.restarts
    assert (restart.stop, restart.down_line, restart.recovery_line) == ("crash", 50, 61)


def test_recovery_at_the_first_start_says_the_crash_was_before_the_log():
    story = _story((0, 1, "PostgreSQL", STARTING), (0, 3, "PostgreSQL", RECOVERING),
                   (1, 9, "PostgreSQL", READY))
    (restart,) = story.restarts
    assert restart.down_from is None and restart.recovery_line == 3 and not restart.clean


def test_endings_and_the_first_start_is_no_restart():
    story = _story((0, 2, "Elasticsearch", STARTING), (1, 4, "Elasticsearch", READY),
                   (10, 56, "Elasticsearch", STOPPING), (10, 57, "Elasticsearch", STOPPED))
    assert not story.restarts
    (ending,) = story.endings
    assert (ending.stop, ending.line) == ("clean", 57)
    crashed = _story((0, 1, "MySQL", READY), (5, 40, "MySQL", CRASHED),
                     (5, 41, "MySQL", STOPPED))
    assert [(e.stop, e.line) for e in crashed.endings] == [("crash", 40)]  # the crash wins


def test_markers_are_read_in_time_order_when_the_file_is_not():
    # MongoDB's sample: the shutdown lines come before the start lines in the file.
    story = _story((65, 25, "MongoDB", STOPPED), (0, 26, "MongoDB", STARTING),
                   (1, 7, "MongoDB", READY), (64, 32, "MongoDB", STOPPING))
    assert not story.restarts
    assert [(e.stop, e.line) for e in story.endings] == [("clean", 25)]


def test_crash_loops():
    def restarts(*minutes):
        return _story(*[(m, m + 1, "the application", STARTING) for m in minutes]).restarts
    assert crash_loop(restarts(0, 9, 18, 27, 36))
    assert crash_loop(restarts(0, 3, 6, 9))  # never ready, starting again and again
    assert not crash_loop(restarts(0, 9, 18))  # two restarts
    assert not crash_loop(restarts(0, 60, 200, 400))  # hours apart


def test_startup_windows():
    windows = StartupWindows([T0, T0 + timedelta(minutes=30)], T0 + timedelta(minutes=45))
    assert windows.during_startup(T0 + timedelta(minutes=4))
    assert not windows.during_startup(T0 + timedelta(minutes=6))
    assert windows.settled(T0 + timedelta(minutes=1), T0 + timedelta(minutes=33))
    # still failing at the end of the log: not settled
    assert not windows.settled(T0 + timedelta(minutes=31), T0 + timedelta(minutes=44))
    assert not StartupWindows([], T0).settled(T0, T0)


def test_a_start_that_crashes_within_the_window_is_no_start_up_to_settle():
    def sighting(minutes, phase):
        return Sighting(T0 + timedelta(minutes=minutes), int(minutes * 10), Marker("MySQL",
                                                                                    phase),
                        None, phase)
    failed = [sighting(0, STARTING), sighting(1, CRASHED)]
    ran = [sighting(30, STARTING), sighting(31, READY), sighting(50, CRASHED)]
    assert start_times(failed + ran) == [T0 + timedelta(minutes=30), T0 + timedelta(minutes=31)]
