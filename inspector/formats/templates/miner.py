"""``TemplateMiner``: messages clustered into templates, the Drain way (He et al., ICWS 2017).

A message's key is its mask (``masks``) after the file's header rest is cut off
(``header``). Keys are routed by token count and first tokens through a fixed-depth tree,
and join the most similar cluster at the leaf when enough of the cluster's constant tokens
are equal; the cluster's template keeps the common tokens and turns the others into ``<*>``.

Decisions the next engineer needs:

- No per-system settings: the same masks, the same threshold (0.6) and depth for every
  log. The threshold is the one leaving each system out in turn chooses on the others
  (``quality.leave_one_system_out``, printed by ``make bench``): with the variables masked
  by shape, what is left to merge is words, and a message of five words with one user or
  host name in it matches 0.8, two events that share half their words at most 0.5. The
  price is paid by events that differ in a few words of a long message (Zookeeper's
  ``establish new session`` and ``renew session``).
- Similarity is Drain's: the template's constant tokens the message matches at their
  positions, over the message's token count (a ``<*>`` on either side equals nothing). Of
  the clusters above the threshold, the most similar wins, then the one with more
  wildcards (the more general template), then the first to join the leaf.
- A key is looked up in a dict before the tree: the common case (the same key again)
  costs one dict lookup, which is what makes the ``logs`` analyzer fast on large files.
  The cache is valid forever because a key never moves to another cluster; clusters only
  widen their templates.
- Template ids are 1-based, in order of first appearance, so they are stable for a file.
- Linear in lines: a known key is one dict lookup, and a new one meets at most
  ``MAX_LEAF_CLUSTERS`` clusters of its leaf (Drain's leaves otherwise grow with every
  event whose words vary and never merge, and mining turns quadratic).
- A new key does not scan its leaf: each leaf indexes its templates' constant tokens by
  position (``_Leaf.columns``), and the key's tokens fetch the clusters that share one of
  them. A cluster sharing no token cannot reach a threshold above zero, and none shares
  more tokens than there are positions where any does, so a key with fewer such positions
  than the threshold needs stops there (most keys of a log whose lines all differ: a debug
  dump, a kernel symbol list); the others' clusters are counted in C (``Counter``). The
  choice is the full scan's (a test holds it to one) at the cost of a dict lookup a
  token instead of up to ``MAX_LEAF_CLUSTERS`` comparisons of templates.
- A cluster is its id, its template a tuple in ``_templates``: such a log keeps a template
  a line, and the cyclic garbage collector stops tracking tuples of strings, where it kept
  walking a list and an object for each.

>>> miner = TemplateMiner()
>>> [miner.add(m) for m in ("user 7 logged in", "user 9 logged in", "disk full")]
[1, 1, 2]
>>> miner.template(1)
'user <*> logged in'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import chain

from inspector.formats.templates.header import MessageHeader
from inspector.formats.templates.masks import WILDCARD, mask

MAX_REMEMBERED = 2_000_000  # keys kept: a pathological log must not eat memory
# A leaf compares a new key with each of its clusters: it holds at most this many, so the
# work per key is bounded and mining stays linear in lines whatever the log (a key that
# matches none in a full leaf gets a template that is not compared again).
MAX_LEAF_CLUSTERS = 64


class _Leaf:
    """One leaf's clusters (all of one token count) as their constant tokens indexed by
    position: ``columns[i][token]`` lists the ids of the clusters whose template holds
    ``token`` at position ``i``, in the order they joined the leaf."""

    __slots__ = ("columns", "size")

    def __init__(self, length: int) -> None:
        self.size = 0
        self.columns: list[dict[str, list[int]]] = [{} for _ in range(length)]

    def __len__(self) -> int:
        return self.size

    def add(self, cluster_id: int, template: tuple[str, ...]) -> None:
        self.size += 1
        for column, token in zip(self.columns, template, strict=True):
            if token != WILDCARD:
                column.setdefault(token, []).append(cluster_id)

    def holders(self, tokens: tuple[str, ...]) -> list[list[int]]:
        """For each of ``tokens`` that some template holds at its position, those templates'
        ids. A key's ``<*>`` is not in the index, so it equals nothing (Drain's rule)."""
        return [found for found in map(dict.get, self.columns, tokens) if found]

    def widen(self, cluster_id: int, before: tuple[str, ...], after: tuple[str, ...]) -> None:
        """The cluster's template went from ``before`` to ``after`` (tokens became ``<*>``)."""
        for column, old, new in zip(self.columns, before, after, strict=True):
            if old != new:
                holders = column[old]
                holders.remove(cluster_id)
                if not holders:
                    del column[old]


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

    def __init__(self, similarity: float = 0.6, depth: int = 4, max_children: int = 100,
                 header: MessageHeader | None = None) -> None:
        if not 0 < similarity <= 1:
            raise ValueError(f"similarity is a fraction in (0, 1], not {similarity}")
        self.similarity = similarity
        self.prefix_tokens = max(1, depth - 2)
        self.max_children = max_children
        self.header = header
        self._root: dict[int, dict] = {}
        # Cluster ``id``: its template ``_templates[id - 1]``, with ``_constants[id - 1]``
        # tokens that are not ``<*>`` (see the module doc).
        self._templates: list[tuple[str, ...]] = []
        self._constants: list[int] = []
        self._known: dict[str, int] = {}
        self._needed: dict[int, int] = {}  # token count -> equal tokens a match needs

    def __len__(self) -> int:
        return len(self._templates)

    def key(self, message: str) -> str:
        """What the miner clusters a message by: its mask, without the header rest."""
        return mask(self.header.cut(message) if self.header is not None else message)

    def add(self, message: str, *, masked: bool = False) -> int:
        """Mine one message (``masked``: it is already a ``key``); returns its template id."""
        key = message if masked else self.key(message)
        cluster_id = self._known.get(key)
        if cluster_id is not None:
            return cluster_id
        tokens = tuple(key.split()) or ("",)
        leaf = self._leaf(tokens)
        cluster_id = self._best(leaf, tokens)
        if cluster_id is None:
            self._templates.append(tokens)
            self._constants.append(len(tokens) - tokens.count(WILDCARD))
            cluster_id = len(self._templates)
            if len(leaf) < MAX_LEAF_CLUSTERS:
                leaf.add(cluster_id, tokens)
        else:
            before = self._templates[cluster_id - 1]
            after = tuple([a if a == b else WILDCARD for a, b in zip(before, tokens,
                                                                     strict=True)])
            if after != before:
                leaf.widen(cluster_id, before, after)
                self._templates[cluster_id - 1] = after
                self._constants[cluster_id - 1] = len(after) - after.count(WILDCARD)
        if len(self._known) < MAX_REMEMBERED:
            self._known[key] = cluster_id
        return cluster_id

    def lookup(self, key: str) -> int | None:
        """The template id of a key the miner remembers, else ``None`` (it remembers every
        key it mined until ``MAX_REMEMBERED`` of them)."""
        return self._known.get(key)

    def template(self, template_id: int) -> str:
        return " ".join(self._templates[template_id - 1])

    def templates(self) -> Iterator[tuple[int, str]]:
        for template_id, template in enumerate(self._templates, 1):
            yield template_id, " ".join(template)

    def _leaf(self, tokens: tuple[str, ...]) -> _Leaf:
        node = self._root.setdefault(len(tokens), {})
        for token in tokens[:self.prefix_tokens]:
            key = WILDCARD if WILDCARD in token else token
            child = node.get(key)
            if child is None:
                if len(node) >= self.max_children:
                    key = WILDCARD
                child = node.setdefault(key, {})
            node = child
        leaf = node.get("")
        if leaf is None:
            leaf = node[""] = _Leaf(len(tokens))
        return leaf

    def _best(self, leaf: _Leaf, tokens: tuple[str, ...]) -> int | None:
        """The leaf's cluster most similar to ``tokens`` if it is similar enough: the most
        equal tokens, then the most wildcards, then the first to join the leaf."""
        length = len(tokens)
        needed = self._needed.get(length)
        if needed is None:
            # The least count with ``count / length >= similarity``, in the same float
            # arithmetic the threshold is stated in.
            needed = self._needed[length] = next(
                count for count in range(1, length + 1) if count / length >= self.similarity)
        # Only clusters sharing a token with the key can reach the threshold (it is above
        # zero), and none shares more tokens than there are positions where any does.
        holders = leaf.holders(tokens)
        if len(holders) < needed:
            return None
        constants = self._constants
        best, best_score = None, (0, 0, 0)
        for cluster_id, same in Counter(chain.from_iterable(holders)).items():
            if same >= needed:
                score = (same, -constants[cluster_id - 1], -cluster_id)
                if best is None or score > best_score:
                    best, best_score = cluster_id, score
        return best
