"""SQL names as dumps and queries write them: bare, `backquoted` or "double-quoted", and
optionally qualified (``shop.orders``).

The schema model (``schema``) and query shapes (``fingerprint.query_shape``) both name a
table by ``bare_name``: lower case, unquoted, without its schema. That is what lets the
``sql-cross`` analyzer join a slow query's tables to a dump's, whatever quoting each used.

>>> unquote("`Orders`"), bare_name('"shop" . "Orders"')
('orders', 'orders')
"""

from __future__ import annotations

import re

# One name, as a regular-expression fragment without groups.
IDENTIFIER = r"(?:`[^`]+`|\"[^\"]+\"|[A-Za-z_][\w$]*)"
# A name with an optional qualifier: ``orders``, ``shop.orders``, ```shop` . `orders```.
QUALIFIED_NAME = IDENTIFIER + r"(?:\s*\.\s*" + IDENTIFIER + r")?"


def unquote(name: str) -> str:
    """``name`` without its quotes, in lower case."""
    return name.strip().strip("`\"[]").lower()


def bare_name(name: str) -> str:
    """The last part of a possibly qualified name, unquoted and in lower case."""
    return unquote(re.split(r"\s*\.\s*", name.strip())[-1])
