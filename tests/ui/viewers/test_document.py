"""The document viewer: a resource's tree, opened at a pointer."""

from __future__ import annotations

from inspector.bundle import open_bundle
from inspector.model import PointerLocator
from inspector.testing import make_bundle
from tests.analyzers.kubernetes.material import pod, pod_list
from ui.viewers import MemberSource
from ui.viewers.document import DocumentViewer


def source_of(tmp_path, files: dict[str, bytes], name: str) -> MemberSource:
    path = make_bundle(tmp_path / "case.zip", files)
    with open_bundle(path) as bundle:
        return MemberSource(path, bundle.limits, bundle.artifact(name))


def test_opens_the_item_holding_the_pointer_and_selects_the_place(qtbot, tmp_path):
    data = pod_list(pod("web-1"), pod("web-2", restarts=4))
    source = source_of(tmp_path, {"pods.json": data}, "pods.json")
    viewer = DocumentViewer()
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.loaded, timeout=10_000) as loaded:
        viewer.show_evidence(source, PointerLocator(
            "/items/1/status/containerStatuses/0/restartCount", 40))
    assert loaded.args == ["/items/1"]
    current = viewer.tree.currentItem()
    assert (current.text(0), current.text(1)) == ("restartCount", "4")
    assert current.data(0, 256) == "/items/1/status/containerStatuses/0/restartCount"
    assert "line 40" in viewer.title.text()


def test_yaml_documents_and_a_broken_tail(qtbot, tmp_path):
    data = b"kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: b}\n---\n[:\n"
    source = source_of(tmp_path, {"pods.yaml": data}, "pods.yaml")
    viewer = DocumentViewer()
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.loaded, timeout=10_000):
        viewer.show_evidence(source, PointerLocator("/metadata/name", 5, document=2))
    assert viewer.tree.currentItem().text(1) == "b"
    assert "document 2" in viewer.title.text()
