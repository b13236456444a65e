"""Application layers named from the payload's bytes: TLS, DNS, HTTP; never a crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.training.scenarios.packets import dns_query, dns_response
from inspector.views.dissect import (
    application,
    client_hello_sni,
    dns_layer,
    dns_name,
    dns_summary,
    tls_layer,
    tls_summary,
)


def client_hello(server_name: str) -> bytes:
    name = server_name.encode()
    extension = (b"\x00\x00" + (len(name) + 5).to_bytes(2, "big")
                 + (len(name) + 3).to_bytes(2, "big") + b"\x00" + len(name).to_bytes(2, "big")
                 + name)
    body = (b"\x03\x03" + bytes(32) + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00"
            + len(extension).to_bytes(2, "big") + extension)
    message = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + len(message).to_bytes(2, "big") + message


def test_a_client_hello_names_its_server():
    layer = tls_layer(client_hello("payments.example.net"))
    assert layer.protocol == "TLSv1"
    assert layer.info == "Client Hello (SNI=payments.example.net)"
    assert layer.fields["tls.handshake.type"] == [1]
    assert layer.fields["tls.handshake.extensions_server_name"] == "payments.example.net"
    assert client_hello_sni(b"\x03\x03" + bytes(10)) is None  # cut short: no name, no error


def test_records_and_messages_are_named_as_the_analyzers_name_them():
    hello = bytes([22, 3, 1, 0, 8, 1, 0, 0, 0, 2, 0, 0, 0])  # one record, two messages
    assert tls_summary(hello) == "Client Hello, Server Hello"
    assert tls_summary(bytes([22, 3, 3, 0, 3, 0x9F, 1, 2])) == "Encrypted Handshake Message"
    both = bytes([20, 3, 3, 0, 1, 1, 21, 3, 3, 0, 2, 1, 0])
    assert tls_summary(both) == ("Change Cipher Spec, Alert (Level: Warning, Description: "
                                 "close_notify)")
    alert = tls_layer(bytes([21, 3, 3, 0, 2, 2, 45]))
    assert alert.fields["tls.alert_message.desc"] == 45 and alert.protocol == "TLSv1.2"
    assert tls_summary(b"GET / HTTP/1.1\r\n") == ""


def test_dns_queries_and_responses_in_wiresharks_words():
    query = dns_layer(dns_query(0x1a2b, "api.example.com"))
    assert query.info == "Standard query 0x1a2b A api.example.com"
    assert query.fields["dns.flags.response"] == 0
    answer = dns_layer(dns_response(0x1a2b, "api.example.com", addresses=("192.0.2.7",)))
    assert answer.info == "Standard query response 0x1a2b A api.example.com A 192.0.2.7"
    assert answer.fields["dns.a"] == ["192.0.2.7"]
    missing = dns_layer(dns_response(0x0001, "nope.example.com", rcode=3))
    assert missing.info == "Standard query response 0x0001 No such name A nope.example.com"
    assert missing.fields["dns.flags.rcode"] == 3
    assert dns_summary(b"\x00\x01") == "DNS (truncated)"


def test_compression_pointers_that_loop_end():
    looping = bytes(12) + b"\xc0\x0c"  # a pointer to itself
    name, after = dns_name(looping, 12)
    assert after == -1 and name == ""


def test_http_request_and_status_lines():
    request = application(b"POST /pay HTTP/1.1\r\nhost: Shop.Test \r\n\r\n{}", 6, (4, 5))
    assert request.fields == {"http.request": True, "http.request.method": "POST",
                              "http.request.uri": "/pay", "http.host": "Shop.Test"}
    response = application(b"HTTP/1.1 503 Service Unavailable\r\n\r\n", 6, (80, 40000))
    assert response.fields["http.response.code"] == 503
    assert application(b"HTTP/1.1 200 OK", 17, (80, 40000)) is None  # HTTP/1 is over TCP


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([6, 17]), st.sampled_from([53, 443, 80, 9]))
def test_any_payload_is_named_or_left_alone_never_a_crash(payload, transport, port):
    layer = application(payload, transport, (port, 40000))
    assert layer is None or layer.protocol
