"""``TemplateMiner``: messages clustered into templates, the Drain way (He et al., ICWS 2017).

A message's key is its mask (``masks``) after the file's header rest is cut off
(``header``). Keys are routed by token count and first tokens through a fixed-depth tree,
and join the most similar cluster at the leaf when enough of the cluster's constant tokens
are equal; the cluster's template keeps the common tokens and turns the others into ``<*>``.

Decisions the next engineer needs:

- No per-system settings: the same masks, the same threshold and depth for every log.
- Similarity counts the template's *constant* tokens a message matches, over the number of
  constant tokens: a position the template already knows to vary neither helps nor hurts.
  Drain divides by the whole length, so a template that has learnt its variables drifts
  below the threshold and stops accepting the lines of its own event.
- A key is looked up in a dict before the tree: the common case (the same key again)
  costs one dict lookup, which is what makes the ``logs`` analyzer fast on large files.
  The cache is valid forever because a key never moves to another cluster; clusters only
  widen their templates.
- Template ids are 1-based, in order of first appearance, so they are stable for a file.
- Linear in lines: a known key is one dict lookup, and a new one is compared with at most
  ``MAX_LEAF_CLUSTERS`` clusters of its leaf (Drain's leaves otherwise grow with every
  event whose words vary and never merge, and mining turns quadratic).
- ``merge_variables``, run once at the end of a file, merges the templates that differ in
  one word where the lines show that word to be a parameter (many values, each in few
  lines). The ``logs`` analyzer folds their counts together (``FileAnalysis.close``).

>>> miner = TemplateMiner()
>>> [miner.add(m) for m in ("user 7 logged in", "user 9 logged in", "disk full")]
[1, 1, 2]
>>> miner.template(1)
'user <*> logged in'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping

from inspector.formats.templates.header import MessageHeader
from inspector.formats.templates.masks import WILDCARD, mask

MAX_REMEMBERED = 2_000_000  # keys kept: a pathological log must not eat memory
# A leaf compares a new key with each of its clusters: it holds at most this many, so the
# work per key is bounded and mining stays linear in lines whatever the log (a key that
# matches none in a full leaf gets a template that is not compared again).
MAX_LEAF_CLUSTERS = 256
LINES_PER_VALUE = 10
MIN_VALUES = 6


class _Cluster:
    __slots__ = ("constants", "id", "tokens")

    def __init__(self, cluster_id: int, tokens: list[str]) -> None:
        self.id = cluster_id
        self.tokens = tokens
        self.constants = sum(1 for token in tokens if token != WILDCARD)


class TemplateMiner:
    """Drain: a fixed-depth prefix tree over token count and first tokens, with clusters
    of similar messages at the leaves.

    Attributes:
        similarity: the fraction of a template's constant tokens a message must match to
            join it.
        depth: tree depth including the root and the token-count level (Drain's 4 means
            two first tokens route a message).
        max_children: a node's children beyond this many share one ``<*>`` child, so a
            high-cardinality first token cannot blow the tree up.
        header: the header rest cut off every message before masking, if the file has one.
    """

    def __init__(self, similarity: float = 0.65, depth: int = 4, max_children: int = 100,
                 header: MessageHeader | None = None) -> None:
        self.similarity = similarity
        self.prefix_tokens = max(1, depth - 2)
        self.max_children = max_children
        self.header = header
        self._root: dict[int, dict] = {}
        self._clusters: list[_Cluster] = []
        self._known: dict[str, int] = {}
        self._alias: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._clusters) - len(self._alias)

    def key(self, message: str) -> str:
        """What the miner clusters a message by: its mask, without the header rest."""
        return mask(self.header.cut(message) if self.header is not None else message)

    def add(self, message: str, *, masked: bool = False) -> int:
        """Mine one message (``masked``: it is already a ``key``); returns its template id."""
        key = message if masked else self.key(message)
        cluster_id = self._known.get(key)
        if cluster_id is not None:
            return cluster_id
        tokens = key.split() or [""]
        leaf = self._leaf(tokens)
        cluster = self._best(leaf, tokens)
        if cluster is None:
            cluster = _Cluster(len(self._clusters) + 1, tokens)
            self._clusters.append(cluster)
            if len(leaf) < MAX_LEAF_CLUSTERS:
                leaf.append(cluster)
        else:
            cluster.tokens = [a if a == b else WILDCARD for a, b in
                              zip(cluster.tokens, tokens, strict=True)]
            cluster.constants = sum(1 for token in cluster.tokens if token != WILDCARD)
        if len(self._known) < MAX_REMEMBERED:
            self._known[key] = cluster.id
        return cluster.id

    def lookup(self, key: str) -> int | None:
        """The template id of a key the miner remembers, else ``None`` (it remembers every
        key it mined until ``MAX_REMEMBERED`` of them)."""
        return self._known.get(key)

    def template(self, template_id: int) -> str:
        return " ".join(self._clusters[self.canonical(template_id) - 1].tokens)

    def templates(self) -> Iterator[tuple[int, str]]:
        for cluster in self._clusters:
            if cluster.id not in self._alias:
                yield cluster.id, " ".join(cluster.tokens)

    def canonical(self, template_id: int) -> int:
        """The id a template was merged into (``merge_variables``), else its own."""
        return self._alias.get(template_id, template_id)

    def merge_variables(self, counts: Mapping[int, int]) -> dict[int, int]:
        """Merge templates that differ in one word where that word is a variable; returns
        the ids merged away, each mapped to the id it was merged into.

        ``counts`` gives the lines of each template. Templates of one length, equal but for
        the word at one position, form a family; the word is a variable (a user, a host, a
        program name) when the family's lines show many values for it, at least one value
        every ``LINES_PER_VALUE`` lines on average; a few values that recur a lot (``VM
        Started``/``VM Paused``, ``stored as bytes``/``as values``) are different events
        and stay apart.
        """
        merged: dict[int, int] = {}
        families: dict[tuple[int, int, tuple[str, ...]], list[_Cluster]] = defaultdict(list)
        for cluster in self._clusters:
            if cluster.id in self._alias:
                continue
            tokens = cluster.tokens
            for position, token in enumerate(tokens):
                if token != WILDCARD:
                    families[(len(tokens), position, (*tokens[:position], *tokens[position + 1:]))
                             ].append(cluster)
        for (_, position, _), members in sorted(families.items(), key=lambda item: (
                -len(item[1]), item[0][0], item[0][1])):
            members = [m for m in members if m.id not in merged]
            lines = sum(counts.get(m.id, 0) for m in members)
            if len(members) < MIN_VALUES or len(members) * LINES_PER_VALUE < lines:
                continue
            into = min(members, key=lambda m: m.id)
            into.tokens = [*into.tokens[:position], WILDCARD, *into.tokens[position + 1:]]
            into.constants -= 1
            for member in members:
                if member is not into:
                    merged[member.id] = into.id
        for old, new in merged.items():
            while new in merged:
                new = merged[new]
            self._alias[old] = new
        return {old: self._alias[old] for old in merged}

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
            same = 0
            for template_token, token in zip(cluster.tokens, tokens, strict=True):
                if template_token == token and template_token != WILDCARD:
                    same += 1
            score = (same / len(tokens), len(tokens) - cluster.constants)
            if score > best_score:
                best, best_score = cluster, score
        if best is not None and best_score[0] >= self.similarity:
            return best
        return None
