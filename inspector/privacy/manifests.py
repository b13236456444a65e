"""Kubernetes Secrets written as YAML (``kubectl get secret -o yaml``, must-gather and
cluster dumps): every value under a Secret's ``data`` or ``stringData`` is a secret,
whatever its key is called and however short it is (``cert-bundle: c2hvcnQ=``), so the
names and shapes the other detectors read are not enough.

``secret_values(text)`` reads the document line by line, with no YAML parser (a bundle's
YAML is untrusted and often cut): a ``data:`` or ``stringData:`` line opens a block when
its object, the lines at its own indentation up to a shallower one, holds ``kind:
Secret``; each ``key: value`` of the block is a match, and a block scalar (``key: |``)
covers its indented lines (each line's content, so the YAML keeps its shape). Keys stay,
so a reader still sees which secrets there were. Looking for an object's ``kind`` walks
at most ``MAX_OBJECT_LINES`` lines each way and remembers the verdict for every key it
passes, so a hostile document stays linear. A
Secret cut in two by the redactor's pieces (1 MiB of whole lines) is not recognised in
the second piece. The same Secret as JSON is read by its structure (``structured``).

>>> text = "kind: Secret\\ndata:\\n  password: UzNjcjN0\\n  ca.crt: |\\n    LS0tLS1\\n"
>>> [text[m.start:m.end] for m in secret_values(text)]
['UzNjcjN0', 'LS0tLS1']
"""

from __future__ import annotations

import re

from inspector.privacy.matches import SecretKind, SecretMatch, make_match

MAX_OBJECT_LINES = 100_000
# Unhashed: a Secret's value may be a short password in base64, and a fingerprint of it
# could be brute-forced back.
_KIND = SecretKind.PASSWORD
_BLOCK = re.compile(r"( *+)(- )?(?:data|stringData):[ \t]*+$")
_ENTRY = re.compile(r"( *+)[\"']?+[\w.-]{1,253}+[\"']?+:[ \t]++(?P<value>[^\r\n]+)")
_SECRET_KIND = re.compile(r" *+(?:- )?kind:[ \t]*+[\"']?Secret[\"']?[ \t]*+$")


def secret_values(text: str) -> list[SecretMatch]:
    """The values of every Secret's ``data`` and ``stringData`` in ``text``, in order."""
    if "Secret" not in text or "ata:" not in text:
        return []
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    found: list[SecretMatch] = []
    verdicts: dict[int, bool] = {}
    index = 0
    while index < len(lines):
        block = _BLOCK.match(lines[index].rstrip("\r\n"))
        if block is None:
            index += 1
            continue
        indent = len(block.group(1)) + (2 if block.group(2) else 0)
        if not _in_a_secret(lines, index, indent, block.group(2) is not None, verdicts):
            index += 1
            continue
        index = _block_values(text, lines, starts, index + 1, indent, found)
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _in_a_secret(lines: list[str], index: int, indent: int, first: bool,
                 verdicts: dict[int, bool]) -> bool:
    """Whether the object holding the key at ``lines[index]`` (indented ``indent``) has
    ``kind: Secret``: its lines at that indentation, up and down to a shallower one, a
    list item's dash or a document's end. ``first``: that key starts its list item.

    Every key of one object shares its verdict, so each one passed on the way is
    remembered in ``verdicts``: a walk stops at the first remembered one, and no line is
    walked twice for the same object (many ``data:`` blocks in one object stay linear).
    """
    if index in verdicts:
        return verdicts[index]
    passed = [index]
    verdict = False
    for step in ((1,) if first else (-1, 1)):
        position = index + step
        for _ in range(MAX_OBJECT_LINES):
            if not 0 <= position < len(lines):
                break
            line = lines[position].rstrip("\r\n")
            here, position = position, position + step
            if _blank(line):
                continue
            depth = _indent(line)
            item = line.lstrip().startswith("- ") and depth + 2 == indent
            if line.strip() == "---" or (depth < indent and not item) or (item and step == 1):
                break  # a shallower line, the next document or the next list item
            if depth == indent or item:
                if here in verdicts:
                    verdict = verdicts[here]
                    break
                passed.append(here)
                if _SECRET_KIND.match(line):
                    verdict = True
                    break
                if item:
                    break  # this object's first line
        if verdict:
            break
    for line_index in passed:
        verdicts[line_index] = verdict
    return verdict


def _block_values(text: str, lines: list[str], starts: list[int], index: int, indent: int,
                  found: list[SecretMatch]) -> int:
    """Add the values of the block whose entries start at ``lines[index]``; return the
    index of the first line after it."""
    while index < len(lines):
        line = lines[index].rstrip("\r\n")
        if _blank(line):
            index += 1
            continue
        if _indent(line) <= indent:
            break
        entry = _ENTRY.match(line)
        index += 1
        if entry is None:
            continue
        value = entry.group("value").strip()
        if value in ("|", "|-", "|+", ">", ">-", ">+"):  # a block scalar: its lines
            depth = len(entry.group(1))
            while index < len(lines) and (_blank(lines[index])
                                          or _indent(lines[index]) > depth):
                content = lines[index].rstrip("\r\n")
                if content.strip():
                    start = starts[index] + _indent(content)
                    found.append(make_match(_KIND, text, start,
                                            starts[index] + len(content.rstrip())))
                index += 1
            continue
        start = starts[index - 1] + entry.start("value")
        end = starts[index - 1] + entry.end("value")
        found.append(make_match(_KIND, text, start, end))
    return index
