"""The resource reader: streaming JSON with pointers and lines, safe YAML with limits."""

from __future__ import annotations

import io

import pytest

from inspector.formats.resources import ResourceError, read_resources


def read(data: bytes) -> list:
    return list(read_resources(io.BytesIO(data)))


def test_json_list_items_stream_with_their_lines() -> None:
    items = b",\n".join(b'{"kind": "Pod", "metadata": {"name": "p%d"},\n "status": {}}' % i
                        for i in range(3))
    resources = read(b'{"apiVersion": "v1",\n "kind": "PodList",\n "items": [\n' + items + b"]}")
    assert [(r.pointer, r.line) for r in resources] == [("/items/0", 4), ("/items/1", 6),
                                                       ("/items/2", 8)]
    assert resources[2].line_of("/status") == 9
    assert resources[2].line_of("/metadata/missing") == 8  # the nearest place that exists


def test_top_level_array_and_single_object() -> None:
    assert [r.pointer for r in read(b'["a", "b"]')] == ["/0", "/1"]
    [single] = read(b'{"kind": "Node",\n "status":\n  {"nodeInfo": {}}}')
    assert single.pointer == "" and single.line_of("/status/nodeInfo") == 3


def test_yaml_tags_are_never_constructed() -> None:
    [resource] = read(b"kind: Pod\nmetadata: !!python/object:os.system {name: x}\n"
                      b"spec: !custom 3\n")
    assert resource.value == {"kind": "Pod", "metadata": {"name": "x"}, "spec": "3"}


def test_yaml_billion_laughs_is_stopped() -> None:
    lines = [b"a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        refs = ", ".join(f"*a{level - 1}" for _ in range(10)).encode()
        lines.append(b"a%d: &a%d [%s]" % (level, level, refs))
    with pytest.raises(ResourceError, match="billion laughs"):
        read(b"\n".join(lines) + b"\n")


def test_yaml_nesting_is_limited() -> None:
    with pytest.raises(ResourceError, match="nested"):
        read(b"kind: x\nv: " + b"[" * 150 + b"]" * 150 + b"\n")


def test_broken_json_raises_after_what_was_read() -> None:
    reader = read_resources(io.BytesIO(b'{"items": [{"a": 1}, {"b": '))
    assert next(reader).value == {"a": 1}
    with pytest.raises(ResourceError, match=r"truncated|ends early|invalid"):
        next(reader)
