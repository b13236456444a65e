"""SQL names: the schema model and query shapes name a table the same way."""

from __future__ import annotations

import re

import pytest

from analyzers.sql.identifiers import IDENTIFIER, QUALIFIED_NAME, bare_name, unquote


@pytest.mark.parametrize("written", ["orders", "`orders`", '"Orders"', "shop.orders",
                                     "`shop` . `ORDERS`", '"shop"."orders"'])
def test_every_quoting_names_the_same_table(written: str) -> None:
    assert re.fullmatch(QUALIFIED_NAME, written)
    assert bare_name(written) == "orders"


def test_a_quoted_name_may_hold_what_a_bare_one_cannot() -> None:
    assert re.fullmatch(IDENTIFIER, "`order lines`") and not re.fullmatch(IDENTIFIER,
                                                                           "order lines")
    assert unquote("`Order Lines`") == "order lines"
