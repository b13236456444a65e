from inspector.cases.recording import bundle_redactor, recording_of
from inspector.model import Severity
from inspector.privacy.redaction import Identifier, PseudonymMap, Redactor
from inspector.workspace import open_workspace
from tests.inspector.cases.databases import EXPIRED, FAVICON, analysis, finding


def test_titles_and_names_are_redacted_and_nothing_else_is_kept():
    secret = finding("http.credentials-exposed", "The HAR carries password=hunter2 for "
                     "alice@corp.example.com", Severity.CRITICAL, "http")
    recording = recording_of(analysis("acme 10.20.4.17.zip", "a", [secret, FAVICON]),
                             Redactor(PseudonymMap()))
    stored = repr(recording)
    for raw in ("hunter2", "alice@corp.example.com", "10.20.4.17", "portal.example.com"):
        assert raw not in stored
    assert recording.findings[0].title.endswith("user1@redacted.invalid")
    assert recording.worst_severity is Severity.CRITICAL


def test_the_bundles_workspace_pseudonyms_are_used_so_the_report_and_database_agree(
        tmp_path, monkeypatch):
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(tmp_path))
    refused = analysis("b.zip", "b", [finding("tcp.connection-refused",
                                              "10.1.7.31 refused 44 connections", port=8080)])
    with open_workspace(refused.bundle.sha256, "b.zip") as session:
        session.workspace.pseudonyms.pseudonym(Identifier.IPV4, "10.9.9.9")
        session.workspace.pseudonyms.pseudonym(Identifier.IPV4, "10.1.7.31")
        session.save()
    assert recording_of(refused).findings[0].title == "240.0.0.2 refused 44 connections"
    assert bundle_redactor("f" * 64).pseudonyms.to_json() == PseudonymMap().to_json()


def test_already_pseudonymised_values_stay_as_they_are():
    pseudonymised = finding("tcp.reset", "Server 240.0.0.7 reset 2 connections at "
                            "host4.redacted.invalid")
    recording = recording_of(analysis("c.zip", "c", [pseudonymised]), Redactor())
    assert recording.findings[0].title == pseudonymised.title


def test_the_top_finding_names_a_problem_not_an_incident_window():
    incident = finding("incident.cross-source", "Incident 09:14:05-09:14:12 UTC",
                       category="correlation")
    recording = recording_of(analysis("d.zip", "d", [incident, *EXPIRED]), Redactor())
    assert recording.top_finding.startswith("TLS handshake with")
    assert set(recording.fingerprints().values()) == {Severity.HIGH, Severity.MEDIUM}
