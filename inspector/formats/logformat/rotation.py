"""Rotated log files: which files are one log, and their order, oldest first.

A rotated file is its log's name plus a number (``app.log.2``, logrotate's default) or a
date (``app.log-20261116``, ``app.log.2026-11-16``), optionally compressed. The ``logs``
analyzer reads every file as its own artifact; the timeline uses ``stitch_order`` so that
rotated files of one log share the clock offset it infers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_ROTATION = re.compile(
    r"^(?P<base>.+?)(?:[.-](?P<index>\d{1,4})|[.-](?P<date>\d{4}-?\d{2}-?\d{2}(?:[-_T]?\d{2,6})?))?"
    r"(?P<compression>\.gz|\.bz2|\.xz|\.zst)?$")


def rotation_key(path: str) -> tuple[str, tuple[int, str]]:
    """``(base name, position)`` of a possibly rotated log file.

    Files with the same base belong to one log; sorting by position gives the oldest first:
    numbered rotations count down (``app.log.3`` is older than ``app.log.1``, which is older
    than ``app.log``), dated rotations count up and come before the live file.

    >>> rotation_key("logs/app.log.2.gz")
    ('logs/app.log', (-2, ''))
    >>> sorted(["app.log", "app.log.1", "app.log.2.gz"], key=rotation_key)
    ['app.log.2.gz', 'app.log.1', 'app.log']
    """
    match = _ROTATION.match(path)
    if match is None:
        return path, (0, "")
    if match.group("index"):
        return match.group("base"), (-int(match.group("index")), "")
    if match.group("date"):
        return match.group("base"), (-1, match.group("date"))
    return match.group("base"), (0, "")


def stitch_order(paths: Iterable[str]) -> list[list[str]]:
    """Group rotated files of the same log and order each group oldest first.

    >>> stitch_order(["a/app.log", "a/app.log.1", "a/db.log", "a/app.log.2.gz"])
    [['a/app.log.2.gz', 'a/app.log.1', 'a/app.log'], ['a/db.log']]
    """
    groups: dict[str, list[str]] = {}
    for path in paths:
        groups.setdefault(rotation_key(path)[0], []).append(path)
    return [sorted(members, key=lambda p: rotation_key(p)[1]) for _, members in
            sorted(groups.items())]
