"""Message templates: group millions of log lines into the few hundred messages they are.

``mask`` replaces the variable parts of a message (UUIDs, URLs, IP addresses and ports,
hex values, paths, quoted values, and every word holding a digit) with ``<*>``;
``TemplateMiner`` then clusters the masked messages with the Drain algorithm (He et al.,
ICWS 2017): messages are routed by token count and first tokens through a fixed-depth
tree, and join the most similar cluster at the leaf when enough of the tokens are equal;
the cluster's template keeps the common tokens and turns the others into ``<*>``.
``mine(lines)`` does the whole job from raw lines: it detects the format itself
(``inspector.formats.logformat``), so the header (time, level, thread, logger) never reaches the
miner, and returns, for every line, ``(template_id, template)``.

Decisions the next engineer needs:

- No per-dataset settings: the same masks and the same threshold (0.65, depth 4) for every
  log. The threshold is stricter than Drain's usual 0.4-0.5 because the masks already take
  out every value holding a digit, so what is left to merge is words, and two messages that
  share only half their words are usually different events (``establish new session`` vs
  ``renew session <*>``). Grouping accuracy against Loghub's ground truth is checked by
  ``tests/inspector/formats/test_templates.py``.
- A masked message is looked up in a dict before the tree: the common case (the same
  message shape again) costs one regex substitution and one dict lookup, which is what
  makes the analyzer fast on large files. The cache is valid forever because Drain never
  moves a message to another cluster; it only widens templates.
- Template ids are 1-based, in order of first appearance, so they are stable for a file.
- Messages are mined on their first ``MAX_MESSAGE`` characters; every mask is linear
  (possessive or bounded repeats), so a crafted 10 MB line costs linear time.
- ``shape(text)`` turns every ASCII digit into ``0`` and keeps the length. Every mask but
  the hex one (``0x``) treats all digits alike and bounds only lengths, and every digit ends
  up masked, so two messages of the same shape have the same mask whenever the shape holds
  no ``0x``/``0X`` (``shape_decides_mask``). ``mine`` and the ``logs`` analyzer mine big
  files per shape, not per line: millions of lines share a few thousand shapes. Shape whole
  chunks at once (``translate`` costs nanoseconds a character on a big string, a
  microsecond a call).

>>> mask("Connection 42 from 10.0.0.5:5432 closed after 3.5 s")
'Connection <*> from <*> closed after <*>'
>>> miner = TemplateMiner()
>>> [miner.add(m) for m in ("user 7 logged in", "user 9 logged in", "disk full")]
[1, 1, 2]
>>> miner.template(1)
'user <*> logged in'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from inspector.formats.logformat import MAX_HEADER, LogFormat, detect

MAX_MESSAGE = 1000
MAX_REMEMBERED = 2_000_000  # masked messages kept: a pathological log must not eat memory
WILDCARD = "<*>"

# The variable parts ``mask`` replaces, one alternative per kind; public so that tests can
# hold it to the shape rule (see the module doc).
VARIABLE_PARTS = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^\s\"'<>]{1,2000}"
    r"|(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\w.])"
    r"|\b0[xX][0-9a-fA-F]++"
    r"|(?<![\w.])(?:/[\w.@%+~-]{1,200}){2,64}/?+"
    r"|(?<!\w)\"[^\"\n]{0,200}\""
    r"|(?:(?<![\w.-])[A-Za-z_.-]*+\d[\w.-]*+|\d++)"
    # A quantity's unit belongs to the quantity: "17.2 KB" and "384 B" are one value.
    r"(?:[ \t]?(?:[KMGT]i?B|B|bytes|ms|us|ns|s|sec|secs|seconds|min)\b)?+"
)
# Adjacent variables are one variable: a list of block ids, a number and its unit.
_REPEATED_WILDCARDS = re.compile(r"<\*>(?:[ \t]{0,10}<\*>)++")
_SHAPE = str.maketrans("123456789", "000000000")


def shape(text: str) -> str:
    """``text`` with every ASCII digit turned into ``0`` (same length).

    >>> shape("took 17.25 ms on 0x1f"), shape_decides_mask(shape("took 17.25 ms on 0x1f"))
    ('took 00.00 ms on 0x0f', False)
    """
    return text.translate(_SHAPE)


def shape_decides_mask(message_shape: str) -> bool:
    """Whether every message of this shape has the mask of the shape (see the module doc)."""
    return "0x" not in message_shape and "0X" not in message_shape


def mask(message: str) -> str:
    """``message`` with its variable parts replaced by ``<*>`` (see the module doc)."""
    if len(message) > MAX_MESSAGE:
        # Cut at a word boundary: a half token would make a template of its own.
        message = message[:MAX_MESSAGE].rsplit(None, 1)[0] + " " + WILDCARD
    masked = VARIABLE_PARTS.sub(WILDCARD, message)
    if "*> <*" not in masked and "*><*" not in masked and "*>\t<*" not in masked:
        return masked
    return _REPEATED_WILDCARDS.sub(WILDCARD, masked)


class _Cluster:
    __slots__ = ("id", "tokens")

    def __init__(self, cluster_id: int, tokens: list[str]) -> None:
        self.id = cluster_id
        self.tokens = tokens


class TemplateMiner:
    """Drain: a fixed-depth prefix tree over token count and first tokens, with clusters
    of similar messages at the leaves.

    Attributes:
        similarity: the fraction of equal tokens a message needs to join a cluster.
        depth: tree depth including the root and the token-count level (Drain's 4 means
            two first tokens route a message).
        max_children: a node's children beyond this many share one ``<*>`` child, so a
            high-cardinality first token cannot blow the tree up.
    """

    def __init__(self, similarity: float = 0.65, depth: int = 4,
                 max_children: int = 100) -> None:
        self.similarity = similarity
        self.prefix_tokens = max(1, depth - 2)
        self.max_children = max_children
        self._root: dict[int, dict] = {}
        self._clusters: list[_Cluster] = []
        self._known: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._clusters)

    def add(self, message: str, *, masked: bool = False) -> int:
        """Mine one message (masked here unless ``masked``); returns its template id."""
        key = message if masked else mask(message)
        cluster_id = self._known.get(key)
        if cluster_id is not None:
            return cluster_id
        tokens = key.split() or [""]
        leaf = self._leaf(tokens)
        cluster = self._best(leaf, tokens)
        if cluster is None:
            cluster = _Cluster(len(self._clusters) + 1, tokens)
            self._clusters.append(cluster)
            leaf.append(cluster)
        else:
            cluster.tokens = [a if a == b else WILDCARD for a, b in
                              zip(cluster.tokens, tokens, strict=True)]
        if len(self._known) < MAX_REMEMBERED:
            self._known[key] = cluster.id
        return cluster.id

    def lookup(self, masked: str) -> int | None:
        """The template id of an already masked message the miner remembers, else ``None``
        (it remembers every message it mined until ``MAX_REMEMBERED`` of them)."""
        return self._known.get(masked)

    def template(self, template_id: int) -> str:
        return " ".join(self._clusters[template_id - 1].tokens)

    def templates(self) -> Iterator[tuple[int, str]]:
        for cluster in self._clusters:
            yield cluster.id, " ".join(cluster.tokens)

    def _leaf(self, tokens: list[str]) -> list[_Cluster]:
        node = self._root.setdefault(len(tokens), {})
        for token in tokens[:self.prefix_tokens]:
            key = WILDCARD if WILDCARD in token else token
            child = node.get(key)
            if child is None:
                if len(node) >= self.max_children:
                    key = WILDCARD
                child = node.setdefault(key, {})
            node = child
        return node.setdefault("", [])

    def _best(self, leaf: list[_Cluster], tokens: list[str]) -> _Cluster | None:
        best, best_score = None, (-1.0, -1)
        for cluster in leaf:
            same = wildcards = 0
            for template_token, token in zip(cluster.tokens, tokens, strict=True):
                if template_token == WILDCARD:
                    wildcards += 1
                elif template_token == token:
                    same += 1
            score = (same / len(tokens), wildcards)
            if score > best_score:
                best, best_score = cluster, score
        if best is not None and best_score[0] >= self.similarity:
            return best
        return None


def mine(lines: Iterable[str], log_format: LogFormat | None = None) -> list[tuple[int, str]]:
    """For every line, ``(template_id, template)``; the header is found and left out.

    Lines that do not start a record (stack frames, continuations) are mined whole.

    >>> mine(["2026-11-17 09:00:01 INFO worker 3 started", "2026-11-17 09:00:02 INFO "
    ...       "worker 4 started"])
    [(1, 'worker <*> started'), (1, 'worker <*> started')]
    """
    lines = list(lines)
    log_format = log_format or detect(lines[:200])
    miner = TemplateMiner()
    ids = []
    # Line shape -> template id, for shapes whose every line has that template: the
    # format reads them alike (``LogFormat.memoizable``) and the message's shape decides
    # its mask (see the module doc).
    by_shape: dict[str, int] = {}
    for start in range(0, len(lines), 4096):
        chunk = lines[start:start + 4096]
        shapes = shape("\n".join(chunk)).split("\n")
        if len(shapes) != len(chunk):  # lines holding a line end: shape them one by one
            shapes = [shape(line) for line in chunk]
        for line, line_shape in zip(chunk, shapes, strict=True):
            template_id = by_shape.get(line_shape)
            if template_id is None:
                record = log_format.parse(line)
                message = record.message if record is not None else line
                masked = mask(message)
                template_id = miner.add(masked, masked=True)
                if log_format.memoizable and len(line) <= MAX_HEADER and \
                        len(by_shape) < MAX_REMEMBERED // 10 and \
                        shape_decides_mask(shape(message)) and \
                        miner.lookup(masked) == template_id:
                    by_shape[line_shape] = template_id
            ids.append(template_id)
    final = dict(miner.templates())
    return [(template_id, final[template_id]) for template_id in ids]
