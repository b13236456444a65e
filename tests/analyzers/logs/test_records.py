from datetime import timedelta

from analyzers.logs.records import HOST_LINE
from tests.analyzers.logs.sample_logs import JAVA, START, analyze, stamp


def test_java_traces_are_one_event_grouped_by_signature_not_message():
    moments = [START + timedelta(seconds=s) for s in (1, 2, 3)]
    text = "\n".join(JAVA.format(t=stamp(m), n=n, line=line)
                     for m, n, line in zip(moments, (5, 77, 901), (42, 42, 43), strict=True))
    run = analyze(text.encode())
    assert run.stats["lines"] == 24 and run.stats["events"] == 3
    exceptions = run.by_rule("log.exception")
    assert len(exceptions) == 1
    finding = exceptions[0]
    assert finding.count == 3
    assert finding.facts["type"] == "java.lang.IllegalStateException"
    assert finding.facts["root_cause"] == "java.net.ConnectException"
    assert finding.facts["frames"] == ["com.acme.Pool.get", "com.acme.Pool.apply",
                                       "com.acme.Api.handle"]
    assert finding.first_seen == moments[0] and finding.last_seen == moments[2]
    assert finding.evidence[0].locator.line == 1 and finding.evidence[0].locator.end_line == 8
    assert "Caused by" in finding.detail
    assert "net.connection-refused" in {f.facts["signature"]
                                        for f in run.by_rule("log.known-issue")}


def test_host_lines_are_the_kernels_and_systemds_own_in_every_journal_output():
    for line in ("Nov 17 10:04:58.120311 web-1 kernel: Out of memory: Killed process 2211 (java)",
                 "2026-11-17T10:04:59+0000 web-1 systemd[1]: order.service: Failed.",
                 '{"_TRANSPORT":"kernel","MESSAGE":"Out of memory: Killed process 1"}'):
        assert HOST_LINE.match(line), line
    for line in ("Nov 17 10:04:58 web-1 java[2211]: OutOfMemoryError: Java heap space",
                 "Nov 17 10:04:58 web-1 systemd-logind[880]: Session 3 logged out.",
                 '{"SYSLOG_IDENTIFIER":"java","MESSAGE":"kernel: nothing"}'):
        assert not HOST_LINE.match(line), line
