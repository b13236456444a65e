"""Kubernetes Secrets in YAML: every value of ``data`` and ``stringData`` is found, keys
and other objects' data are left alone, and the walk stays linear."""

from __future__ import annotations

from inspector.privacy.manifests import secret_values
from inspector.privacy.redactor import Redactor
from tests.growth import assert_linear

LIST = """apiVersion: v1
items:
- apiVersion: v1
  data:
    cert-bundle: c2hvcnQ=
    password: UzNjcjN0LVBhc3M=
  kind: Secret
  metadata:
    name: orders-db
- apiVersion: v1
  data:
    retries: "3"
  kind: ConfigMap
- kind: Secret
  stringData:
    key.pem: |
      -----BEGIN
      abc
    note: plain
---
kind: ConfigMap
data:
  mode: fast
"""


def _values(text):
    return [text[m.start:m.end] for m in secret_values(text)]


def test_every_value_of_a_secret_and_none_of_a_config_map():
    assert _values(LIST) == ["c2hvcnQ=", "UzNjcjN0LVBhc3M=", "-----BEGIN", "abc", "plain"]


def test_the_redacted_yaml_keeps_its_keys_and_shape():
    clean = Redactor().text(LIST)
    assert "cert-bundle: REDACTED:password\n" in clean
    assert "    key.pem: |\n      REDACTED:password\n      REDACTED:password\n" in clean
    assert 'retries: "3"' in clean and "mode: fast" in clean
    assert clean.count("\n") == LIST.count("\n")


def test_a_kind_in_a_nested_object_or_another_document_does_not_count():
    nested = "data:\n  token: abc\nspec:\n  template:\n    kind: Secret\n"
    separate = "kind: Secret\n---\ndata:\n  token: abc\n"
    assert _values(nested) == [] and _values(separate) == []


def test_a_secret_as_json_is_read_by_its_structure():
    clean = Redactor().json_value({"kind": "Secret", "data": {"cert-bundle": "c2hvcnQ="},
                                   "metadata": {"name": "orders-db"}})
    assert clean == {"kind": "Secret", "data": {"cert-bundle": "REDACTED:password"},
                     "metadata": {"name": "orders-db"}}


def test_many_blocks_in_one_object_stay_linear():
    assert_linear(secret_values, lambda n: "kind: Secret\n" + "data:\n  a: b\n" * n, 2000)
    assert_linear(secret_values, lambda n: "data:\n  a: b\n" * n + "kind: Secret\n", 2000)
    assert len(secret_values("data:\n  a: b\n" * 2000 + "kind: Secret\n")) == 2000
