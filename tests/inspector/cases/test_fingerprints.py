from inspector.cases.fingerprints import (
    finding_fingerprint,
    fingerprint,
    identity_facts,
    normalise_text,
)
from tests.inspector.cases.databases import finding


def test_times_counts_and_places_never_change_a_fingerprint():
    monday = {"alert": "certificate_expired", "sender": "client", "server": "203.0.113.10:443",
              "sni": "payments.example.net", "connections": 3, "streams": [4, 5, 6],
              "not_after": "2026-11-16T23:59:59Z"}
    week_later = {"alert": "certificate_expired", "sender": "client",
                  "server": "198.51.100.7:8443", "sni": "pay.example.org", "connections": 155,
                  "streams": list(range(40)), "not_after": "2027-01-02T00:00:00Z"}
    assert fingerprint("tls.handshake-failure", monday) == \
        fingerprint("tls.handshake-failure", week_later)


def test_what_identifies_the_problem_does_change_it():
    expired = {"alert": "certificate_expired", "sender": "client"}
    assert fingerprint("tls.handshake-failure", expired) != \
        fingerprint("tls.handshake-failure", {**expired, "alert": "unknown_ca"})
    assert fingerprint("tls.handshake-failure", expired) != \
        fingerprint("tls.handshake-failure", {**expired, "sender": "server"})
    assert fingerprint("tcp.reset", {"reset_by": "server"}) != \
        fingerprint("tcp.connection-refused", {"reset_by": "server"})
    assert fingerprint("sql.slow-query", {"query_id": "1EA093591D154523"}) != \
        fingerprint("sql.slow-query", {"query_id": "F401DC8D648F91D2"})


def test_codes_are_kept_and_counts_dropped_under_identity_keys():
    assert identity_facts({"status": 502, "errors": 379, "port": 8080}) == \
        {"port": 8080, "status": 502}
    assert identity_facts({"statuses": {"502": 6, "504": 10}}) == {"statuses": ["502", "504"]}


def test_identifiers_in_kept_text_become_their_kind():
    assert normalise_text("bob@corp.example.com at 10.2.0.9 on db1.corp.example.com") == \
        "<email> at <ipv4> on <host>"
    assert identity_facts({"path": "/users/4711/orders"}) == {"path": "/users/<n>/orders"}


def test_an_incident_is_identified_by_the_rules_it_links():
    one = {"sources": ["a.log", "b.pcap"], "sequence": "09:14 ...",
           "findings": [{"artifact": "a.log", "rule": "log.exception", "title": "x3"},
                        {"artifact": "b.pcap", "rule": "tcp.reset", "title": "4"}]}
    other = {"sources": ["c.log"], "sequence": "17:02 ...",
             "findings": [{"artifact": "c.pcap", "rule": "tcp.reset", "title": "51"},
                          {"artifact": "c.log", "rule": "log.exception", "title": "x9"}]}
    assert fingerprint("incident.cross-source", one) == \
        fingerprint("incident.cross-source", other)


def test_a_finding_fingerprint_is_32_hex_digits_and_hides_the_facts():
    refused = finding("tcp.connection-refused", "10.1.7.31 refused", port=8080,
                      server="10.1.7.31")
    value = finding_fingerprint(refused)
    assert len(value) == 32 and int(value, 16) >= 0
    assert "10.1.7.31" not in value and "8080" not in value
