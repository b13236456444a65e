"""Identifiers found by their shape, things that only look like them left alone, and the
pseudonym map."""

from __future__ import annotations

import ipaddress

import orjson
import pytest

from inspector.privacy.pseudonyms import (
    ALL_IDENTIFIERS,
    Identifier,
    PseudonymMap,
    find_identifiers,
    host_in_field,
    is_context_host,
    is_kept_address,
    local_key,
)


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("from 192.168.10.44:5432", Identifier.IPV4, "192.168.10.44"),
    ("mapped ::ffff:10.1.2.3 here", Identifier.IPV4, "10.1.2.3"),
    ("peer fe80::1ff:fe23:4567:890a%eth0 up", Identifier.IPV6, "fe80::1ff:fe23:4567:890a%eth0"),
    ("mail Bob.Smith+x@mail.example.org.", Identifier.EMAIL, "Bob.Smith+x@mail.example.org"),
    ("connect db-01.corp.acme.com:5432", Identifier.HOST, "db-01.corp.acme.com"),
    ("hw 00-1A-2B-3C-4D-5E link", Identifier.MAC, "00-1A-2B-3C-4D-5E"),
    ('{"username": "mrossi"}', Identifier.USER, "mrossi"),
    ("cd /home/kwong/.cache", Identifier.USER, "kwong"),
    (r"C:\Users\pnair\AppData", Identifier.USER, "pnair"),
    ("GRANT ALL ON *.* TO 'etl_svc'@'%'", Identifier.USER, "etl_svc"),
])
def test_identifiers_are_found_by_shape(text, kind, value):
    assert [(s.kind, s.value) for s in find_identifiers(text)] == [(kind, value)]


@pytest.mark.parametrize("text", [
    "at com.example.orders.ApiClient.push(ApiClient.java:42)",
    "edit app.py and readme.md then run.sh",
    "window 09:12:27-09:16:34 at 10:11:12.131",
    "listening on 127.0.0.1 and ::1 and 0.0.0.0",
    "user=root uid=0",
    "version 1.2.3 of libfoo",
    "Mozilla/5.0 Chrome/131.0.0.0 Safari/537.36",
])
def test_things_that_only_look_like_identifiers_are_left_alone(text):
    assert find_identifiers(text) == []


def test_pseudonym_map_round_trips_and_keeps_numbering():
    names = PseudonymMap()
    names.pseudonym(Identifier.EMAIL, "a@x.com")
    again = PseudonymMap.from_json(orjson.loads(orjson.dumps(names.to_json())))
    assert again.known(Identifier.EMAIL, "A@X.COM") == "user1@redacted.invalid"
    assert again.pseudonym(Identifier.EMAIL, "b@x.com") == "user2@redacted.invalid"
    assert again.is_pseudonym("user2@redacted.invalid")



SAMPLES = {
    Identifier.EMAIL: "jane.doe@acme-corp.com",
    Identifier.USER: "jdoe",
    Identifier.IPV4: "10.20.4.17",
    Identifier.IPV6: "2001:db8::17",
    Identifier.HOST: "erp01.acme-corp.com",
    Identifier.MAC: "3c:22:fb:11:22:33",
}


def test_every_kind_gets_a_pseudonym_of_its_own_shape_from_a_reserved_range():
    names = PseudonymMap()
    pseudonyms = {kind: names.pseudonym(kind, SAMPLES[kind]) for kind in ALL_IDENTIFIERS}
    assert pseudonyms == {
        Identifier.EMAIL: "user1@redacted.invalid",
        Identifier.USER: "user1",
        Identifier.IPV4: "240.0.0.1",
        Identifier.IPV6: "100::1",
        Identifier.HOST: "host1.redacted.invalid",
        Identifier.MAC: "02:00:00:00:00:01",
    }
    assert ipaddress.ip_address(pseudonyms[Identifier.IPV4]) in ipaddress.ip_network("240.0.0.0/4")
    assert all(names.is_pseudonym(p) for p in pseudonyms.values())
    assert len(names) == 6


def test_pseudonyms_are_never_found_again():
    names = PseudonymMap()
    text = " ".join(names.pseudonym(kind, SAMPLES[kind]) for kind in ALL_IDENTIFIERS)
    assert find_identifiers(f"user={names.known(Identifier.USER, 'jdoe')} {text}") == []


def test_ip_addresses_are_one_value_in_any_spelling():
    names = PseudonymMap()
    first = names.pseudonym(Identifier.IPV6, "2001:db8:0:0::17")
    assert names.pseudonym(Identifier.IPV6, "2001:DB8::17") == first
    assert names.pseudonym(Identifier.MAC, "3C-22-FB-11-22-33") == \
        names.pseudonym(Identifier.MAC, "3c:22:fb:11:22:33")
    assert names.pseudonym(Identifier.USER, "JDoe") != names.pseudonym(Identifier.USER, "jdoe")


@pytest.mark.parametrize(("address", "kept"), [
    ("127.0.0.1", True), ("0.0.0.0", True), ("240.0.0.9", True), ("::1", True), ("::", True),
    ("100::9", True), ("fe80::1%eth0", False), ("10.1.2.3", False), ("2001:db8::1", False),
    ("not an address", True),
])
def test_kept_addresses_identify_nobody_or_are_pseudonyms(address, kept):
    assert is_kept_address(address) is kept


@pytest.mark.parametrize(("text", "value"), [
    ("logs/db1.corp.example.com.log", "db1.corp.example.com"),
    ("web01.acme.io.2026-11-17.log.gz", "web01.acme.io"),
    ("nodes/db1.corp.example.com/app.log", "db1.corp.example.com"),
])
def test_a_host_followed_by_file_extensions_is_a_host(text, value):
    assert [(s.kind, s.value) for s in find_identifiers(text)] == [(Identifier.HOST, value)]


@pytest.mark.parametrize(("text", "value"), [
    ("server=db01.prod.acme", "db01.prod.acme"),
    ("jdbc:postgresql://db02.prod.acme:5432/orders", "db02.prod.acme"),
    ("redis://:REDACTED:password@cache.prod.acme:6379/0", "cache.prod.acme"),
    ("https://svc@git.acme.lan2/x", "git.acme.lan2"),
    ("redis-cli --host cache-2.prod.acme --port 6379", "cache-2.prod.acme"),
    ('{"hostname": "web-3.k8s.acme", "ready": true}', "web-3.k8s.acme"),
    ("X-Forwarded-Host: edge.acme.cdn", "edge.acme.cdn"),
    ("upstream: backend.svc.acme", "backend.svc.acme"),
])
def test_a_dotted_name_where_a_host_stands_is_a_host_whatever_its_last_label(text, value):
    assert [(s.kind, s.value) for s in find_identifiers(text)] == [(Identifier.HOST, value)]


@pytest.mark.parametrize("text", [
    "Server: nginx/1.18.0",  # the Server header names software
    "node: v18.17.1",  # a version
    "containerRuntimeVersion: cri-o://1.20.3-2.rhaos4.7.gitb53fa9d.el8",
    "server: nginx.conf",  # a file
    "let node = e.trigger;",  # code
    "host: localhost.localdomain",
    "server.port=8080 and server.ssl.enabled=true",  # configuration keys, not values
    "upstream: host4.redacted.invalid",  # already a pseudonym
])
def test_what_stands_where_a_host_would_but_is_not_one_is_left_alone(text):
    assert [s for s in find_identifiers(text) if s.kind is Identifier.HOST] == []


def test_fields_that_name_a_host_hold_one():
    assert host_in_field("nodeName", "ip-10-0-1-23.ec2.acme") == "ip-10-0-1-23.ec2.acme"
    assert host_in_field("Host", "api.internal.acme") == "api.internal.acme"
    assert host_in_field("db_host", "pg.prod.acme") == "pg.prod.acme"
    assert host_in_field("path", "a.b.acme") is None
    assert host_in_field("hostname", "worker") is None  # one label: not taken
    assert host_in_field("server", "app.log") is None
    assert not is_context_host("1.20.3-el8") and not is_context_host("e.trigger")


def test_a_word_after_the_domain_is_not_an_extension():
    assert find_identifiers("java.net.ConnectException at com.example.Main.run") == []


def test_percent_encoded_emails_and_addresses_with_their_port():
    assert [(s.kind, s.value) for s in find_identifiers("to jane.doe%40acme-corp.com ok")] \
        == [(Identifier.EMAIL, "jane.doe%40acme-corp.com")]
    names = PseudonymMap()
    assert names.pseudonym(Identifier.EMAIL, "jane.doe%40acme-corp.com") == \
        names.pseudonym(Identifier.EMAIL, "Jane.Doe@acme-corp.com")
    assert [s.value for s in find_identifiers("2001:db8:1:2:3:4:5:6:443 (3 connections)")] \
        == ["2001:db8:1:2:3:4:5:6"]


def test_detached_maps_agree_with_each_other_and_never_reuse_a_number(tmp_path):
    saved = PseudonymMap()
    saved.pseudonym(Identifier.HOST, "a.acme-corp.com")
    key = local_key(tmp_path)
    assert local_key(tmp_path) == key and len(key) == 32
    assert (tmp_path / "pseudonym-key").stat().st_mode & 0o077 == 0
    first, second = (PseudonymMap.from_json(saved.to_json()) for _ in range(2))
    first.detach(key)
    second.detach(key)
    x = first.pseudonym(Identifier.HOST, "x.acme-corp.com")
    y = second.pseudonym(Identifier.HOST, "y.acme-corp.com")
    assert x != y and second.pseudonym(Identifier.HOST, "x.acme-corp.com") == x
    assert first.pseudonym(Identifier.HOST, "a.acme-corp.com") == "host1.redacted.invalid"
    for kind, value in ((Identifier.IPV4, "10.9.8.7"), (Identifier.MAC, "3c:22:fb:11:22:33"),
                        (Identifier.IPV6, "2001:db8::7")):
        assert find_identifiers(first.pseudonym(kind, value)) == []
    other = PseudonymMap.from_json(saved.to_json())
    other.detach(local_key(tmp_path / "elsewhere"))
    assert other.pseudonym(Identifier.HOST, "x.acme-corp.com") != x
