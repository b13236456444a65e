"""Message templates: group millions of log lines into the few hundred messages they are.

Grouping drives exception grouping, "new since", bursts and the knowledge base. Every line's
template comes from three steps, one module each:

- ``masks``: the variable parts of a message (numbers, ids, addresses, paths, quoted and
  ``key=value`` values) become ``<*>``; ``shape`` and ``shape_decides_mask`` let big files
  be mined per line shape instead of per line.
- ``header``: the part of a line's header the format reader did not take off, learnt per
  file from what every record carries.
- ``miner``: ``TemplateMiner``, Drain's fixed-depth tree with a similarity threshold.

``mining.mine(lines)`` does the whole job from raw lines (``inspector templates FILE``);
``quality`` measures it against ground truth (Loghub's grouping accuracy), leaving one
system out at a time (``bench/bench_templates.py`` prints it, a test holds it).

Why not ``drain3`` (MIT, on PyPI)? It is Drain too, but the ``logs`` analyzer mines per
line *shape*, which needs masks that treat every digit alike and a key that never changes
cluster (drain3 masks with a list of configured regexes and can move a message's cluster
id when templates merge), a header learnt per file, and leaves bounded so the work per
line is bounded (drain3 bounds clusters with LRU eviction, whose results depend on order).

>>> mask("Connection 42 from 10.0.0.5:5432 closed after 3.5 s")
'Connection <*> from <*> closed after <*>'
"""

from inspector.formats.templates.header import MessageHeader
from inspector.formats.templates.masks import (
    MAX_MESSAGE,
    VARIABLE_PARTS,
    WILDCARD,
    mask,
    shape,
    shape_decides_mask,
)
from inspector.formats.templates.miner import MAX_REMEMBERED, TemplateMiner
from inspector.formats.templates.mining import SAMPLE_LINES, mine, sample_messages

__all__ = ["MAX_MESSAGE", "MAX_REMEMBERED", "SAMPLE_LINES", "VARIABLE_PARTS", "WILDCARD",
           "MessageHeader", "TemplateMiner", "mask", "mine", "sample_messages", "shape",
           "shape_decides_mask"]
