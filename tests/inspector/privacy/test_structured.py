"""JSON redacted by its structure, bounded in depth, whatever stands where a name is."""

from __future__ import annotations

import pytest

from inspector.privacy.redactor import Redactor
from inspector.privacy.structured import MAX_DEPTH, TooDeep, check_depth, named_personal


def test_fields_named_personal_are_removed_and_emails_pseudonymized():
    redactor = Redactor()
    out = redactor.json_value({"ssn": "219-09-9999", "phone": "n/a 12", "email": "a@b.com",
                               "billing": {"card_number": "not even digits"}})
    assert out == {"ssn": "REDACTED:ssn", "phone": "REDACTED:phone",
                   "email": "user1@redacted.invalid",
                   "billing": {"card_number": "REDACTED:card-number"}}


def test_a_pair_whose_name_is_not_a_string_is_read_as_an_object():
    redactor = Redactor()
    value = {"name": [1, {"x": 2}], "value": "password=Hunter-22x"}
    redactor.survey_json(value)
    assert redactor.json_value(value) == {"name": [1, {"x": 2}],
                                          "value": "password=REDACTED:password"}


def test_depth_is_bounded_before_anything_changes():
    deep: list = []
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(TooDeep):
        check_depth(deep)
    with pytest.raises(TooDeep):
        Redactor().json_value(deep)
    check_depth([[[]]])


def test_named_personal_leaves_emails_to_the_identifiers():
    assert named_personal("email", "a@b.com") == []
    assert [m.kind.value for m in named_personal("iban", "DE89 3704")] == ["personal"]


def test_a_field_that_names_a_host_makes_it_known_everywhere():
    redactor = Redactor()
    redactor.survey_json({"spec": {"nodeName": "worker-3.k8s.acme"},
                          "headers": [{"name": "Host", "value": "api.internal.acme"}]})
    clean = redactor.text("logs/worker-3.k8s.acme/kubelet.log called api.internal.acme")
    assert "acme" not in clean
    assert clean == "logs/host1.redacted.invalid/kubelet.log called host2.redacted.invalid"
