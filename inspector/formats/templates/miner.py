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

>>> miner = TemplateMiner()
>>> [miner.add(m) for m in ("user 7 logged in", "user 9 logged in", "disk full")]
[1, 1, 2]
>>> miner.template(1)
'user <*> logged in'
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import eq

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

    def __init__(self, similarity: float = 0.6, depth: int = 4, max_children: int = 100,
                 header: MessageHeader | None = None) -> None:
        self.similarity = similarity
        self.prefix_tokens = max(1, depth - 2)
        self.max_children = max_children
        self.header = header
        self._root: dict[int, dict] = {}
        self._clusters: list[_Cluster] = []
        self._known: dict[str, int] = {}

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
        length = len(tokens)
        # A wildcard never counts as an equal token (Drain's rule): the key's wildcards are
        # compared as None, which equals nothing.
        compared = [None if token == WILDCARD else token for token in tokens] \
            if WILDCARD in tokens else tokens
        for cluster in leaf:
            same = sum(map(eq, cluster.tokens, compared))
            score = (same / length, length - cluster.constants)
            if score > best_score:
                best, best_score = cluster, score
        if best is not None and best_score[0] >= self.similarity:
            return best
        return None
