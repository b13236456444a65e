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
  position (``_Leaf.columns``), so the key's tokens fetch the clusters that share at least
  one of them, counted in C (``Counter`` over the index's lists). A cluster sharing no
  token cannot reach a threshold above zero, so the choice is the full scan's, at the cost
  of the shared tokens instead of ``MAX_LEAF_CLUSTERS`` comparisons of whole templates; on
  a log whose lines are all different (a debug dump, a kernel symbol list) that is a
  handful of dict lookups a line. ``tests/.../test_miner.py`` holds the choice equal to
  the full scan's.

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


class _Cluster:
    __slots__ = ("constants", "id", "tokens")

    def __init__(self, cluster_id: int, tokens: list[str]) -> None:
        self.id = cluster_id
        self.tokens = tokens
        self.constants = len(tokens) - tokens.count(WILDCARD)


class _Leaf:
    """The clusters of one leaf (all of one token count), and their constant tokens indexed
    by position: ``columns[i][token]`` lists the clusters whose template holds ``token`` at
    position ``i``, in the order they joined the leaf."""

    __slots__ = ("clusters", "columns")

    def __init__(self, length: int) -> None:
        self.clusters: list[_Cluster] = []
        self.columns: list[dict[str, list[_Cluster]]] = [{} for _ in range(length)]

    def __len__(self) -> int:
        return len(self.clusters)

    def add(self, cluster: _Cluster) -> None:
        self.clusters.append(cluster)
        for column, token in zip(self.columns, cluster.tokens, strict=True):
            if token != WILDCARD:
                column.setdefault(token, []).append(cluster)

    def matches(self, tokens: list[str]) -> Counter[_Cluster]:
        """Each cluster holding at least one of ``tokens`` at its position -> how many.

        A key's ``<*>`` is not in the index, so it equals nothing (Drain's rule)."""
        return Counter(chain.from_iterable(
            filter(None, map(dict.get, self.columns, tokens))))  # type: ignore[arg-type]

    def widen(self, cluster: _Cluster, tokens: list[str]) -> None:
        """Turn the positions where ``tokens`` differs from the template into ``<*>``."""
        widened = [a if a == b else WILDCARD for a, b in zip(cluster.tokens, tokens,
                                                             strict=True)]
        for column, before, after in zip(self.columns, cluster.tokens, widened, strict=True):
            if before != after:
                holders = column[before]
                holders.remove(cluster)
                if not holders:
                    del column[before]
        cluster.tokens = widened
        cluster.constants = len(widened) - widened.count(WILDCARD)


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
        self._clusters: list[_Cluster] = []
        self._known: dict[str, int] = {}
        self._needed: dict[int, int] = {}  # token count -> equal tokens a match needs

    def __len__(self) -> int:
        return len(self._clusters)

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
                leaf.add(cluster)
        else:
            leaf.widen(cluster, tokens)
        if len(self._known) < MAX_REMEMBERED:
            self._known[key] = cluster.id
        return cluster.id

    def lookup(self, key: str) -> int | None:
        """The template id of a key the miner remembers, else ``None`` (it remembers every
        key it mined until ``MAX_REMEMBERED`` of them)."""
        return self._known.get(key)

    def template(self, template_id: int) -> str:
        return " ".join(self._clusters[template_id - 1].tokens)

    def templates(self) -> Iterator[tuple[int, str]]:
        for cluster in self._clusters:
            yield cluster.id, " ".join(cluster.tokens)

    def _leaf(self, tokens: list[str]) -> _Leaf:
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

    def _best(self, leaf: _Leaf, tokens: list[str]) -> _Cluster | None:
        """The leaf's cluster most similar to ``tokens`` if it is similar enough: the most
        equal tokens, then the most wildcards, then the first to join the leaf."""
        length = len(tokens)
        needed = self._needed.get(length)
        if needed is None:
            # The least count with ``count / length >= similarity``, in the same float
            # arithmetic the threshold is stated in.
            needed = self._needed[length] = next(
                count for count in range(1, length + 1) if count / length >= self.similarity)
        best, best_score = None, (0, 0, 0)
        # Only clusters sharing a token with the key can reach the threshold (it is above
        # zero): the index hands them over without a look at the others.
        for cluster, same in leaf.matches(tokens).items():
            if same >= needed:
                score = (same, -cluster.constants, -cluster.id)
                if best is None or score > best_score:
                    best, best_score = cluster, score
        return best
