"""Certificates a cluster keeps in its objects: TLS Secrets and kubeconfig client certs.

Only public certificates are read (``tls.crt``, ``ca.crt``, ``*-certificate-data``); private
keys are never decoded. Each certificate becomes ``{"subject", "issuer", "not_before",
"not_after"}``; the cluster analyzer judges expiry at collection time.

>>> certificates_in({"kind": "Secret", "type": "kubernetes.io/tls", "data": {"tls.key": "x"}})
[]
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from inspector.model import format_time

_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----")
_CERT_KEYS = re.compile(r"(?:^|[./_-])(?:crt|cert|pem|certificate|ca)$|certificate-data$")
_MAX_CERTIFICATES = 20  # per object: a CA bundle can hold hundreds


def _decode(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError):
        return b""


def describe(pem: bytes) -> dict[str, Any] | None:
    try:
        certificate = x509.load_pem_x509_certificate(pem)
        return {"subject": certificate.subject.rfc4514_string()[:200],
                "issuer": certificate.issuer.rfc4514_string()[:200],
                "not_before": format_time(certificate.not_valid_before_utc),
                "not_after": format_time(certificate.not_valid_after_utc)}
    except (ValueError, UnsupportedAlgorithm):
        return None  # not a certificate after all: it tells nothing


def _from_text(pointer: str, data: bytes) -> list[dict[str, Any]]:
    found = []
    for match in _PEM.finditer(data):
        described = describe(match.group())
        if described:
            found.append({**described, "pointer": pointer})
    return found


def certificates_in(value: dict[str, Any]) -> list[dict[str, Any]]:
    """Certificates of a Secret, ConfigMap or kubeconfig, each with the pointer it sits at."""
    found: list[dict[str, Any]] = []
    kind = value.get("kind")
    if kind == "Secret" and isinstance(value.get("data"), dict):
        for key, item in value["data"].items():
            if isinstance(item, str) and _CERT_KEYS.search(key.lower()):
                found.extend(_from_text(f"/data/{_escape(key)}", _decode(item)))
    elif kind == "ConfigMap" and isinstance(value.get("data"), dict):
        for key, item in value["data"].items():
            if isinstance(item, str) and "BEGIN CERTIFICATE" in item:
                found.extend(_from_text(f"/data/{_escape(key)}", item.encode()))
    elif kind == "Config":
        for section, inner, field in (("users", "user", "client-certificate-data"),
                                      ("clusters", "cluster", "certificate-authority-data")):
            for index, entry in enumerate(value.get(section) or []):
                if isinstance(entry, dict) and isinstance(entry.get(inner), dict):
                    data = entry[inner].get(field)
                    if isinstance(data, str):
                        for item in _from_text(f"/{section}/{index}/{inner}/{field}",
                                               _decode(data)):
                            found.append({**item, "name": entry.get("name")})
    return found[:_MAX_CERTIFICATES]


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
