"""``mine(lines)``: every line's template, the whole job from raw lines.

It detects the format itself (``inspector.formats.logformat``), so the header the format
knows (time, level, thread, logger) never reaches the miner, learns the header rest from
the first records (``header``) and mines each message (``miner``). Lines that do not
start a record (stack frames, continuations) are mined whole.

Lines are mined per shape, not per line (see ``masks``): a shape whose every line has one
template (the format reads them alike, ``LogFormat.memoizable``, and the message's shape
decides its mask) is looked up in a dict.

>>> mine(["2026-11-17 09:00:01 INFO worker 3 started", "2026-11-17 09:00:02 INFO "
...       "worker 4 started"])
[(1, 'worker <*> started'), (1, 'worker <*> started')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from inspector.formats.logformat import MAX_HEADER, LogFormat, detect
from inspector.formats.templates.header import MessageHeader
from inspector.formats.templates.masks import shape, shape_decides_mask
from inspector.formats.templates.miner import MAX_REMEMBERED, TemplateMiner

SAMPLE_LINES = 200


def sample_messages(lines: Iterable[str], log_format: LogFormat) -> list[str]:
    """The messages of the records among ``lines``: what the header rest is learnt from."""
    messages = []
    for line in lines:
        record = log_format.parse(line)
        if record is not None:
            messages.append(record.message)
    return messages


def mine(lines: Iterable[str], log_format: LogFormat | None = None,
         miner_factory: Callable[[MessageHeader | None], TemplateMiner] | None = None
         ) -> list[tuple[int, str]]:
    """For every line, ``(template_id, template)``; the header is found and left out.

    ``miner_factory(header)`` makes the miner (a measure tries other settings with it).
    """
    lines = list(lines)
    log_format = log_format or detect(lines[:SAMPLE_LINES])
    header = MessageHeader.learn(sample_messages(lines[:SAMPLE_LINES], log_format))
    miner = miner_factory(header) if miner_factory else TemplateMiner(header=header)
    ids = []
    # Line shape -> template id, for shapes whose every line has that template.
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
                key = miner.key(message)
                template_id = miner.add(key, masked=True)
                if log_format.memoizable and len(line) <= MAX_HEADER and \
                        len(by_shape) < MAX_REMEMBERED // 10 and \
                        shape_decides_mask(shape(message)) and \
                        miner.lookup(key) == template_id:
                    by_shape[line_shape] = template_id
            ids.append(template_id)
    final = dict(miner.templates())
    return [(template_id, final[template_id]) for template_id in ids]
