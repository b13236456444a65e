"""The thread viewer: a thread-dump finding's evidence opens at its thread, in its group."""

from __future__ import annotations

from inspector.bundle import open_bundle
from inspector.model import ArtifactKind, LineLocator
from inspector.training import scenarios
from tests.analyzers.jvm.material import dump, thread
from ui.viewers import MemberSource
from ui.viewers.threads import ThreadDumpViewer


def _viewer(qtbot) -> ThreadDumpViewer:
    viewer = ThreadDumpViewer()
    qtbot.addWidget(viewer)
    viewer.resize(1000, 640)
    viewer.show()
    return viewer


def test_the_lock_holder_opens_in_its_group_with_its_stack(qtbot, tmp_path):
    bundle_path, _ = scenarios.build("jvm_heap_exhaustion", tmp_path)
    with open_bundle(bundle_path) as bundle:
        artifact = next(a for a in bundle.artifacts if a.kind is ArtifactKind.THREAD_DUMP)
        source = MemberSource(bundle_path, bundle.limits, artifact)
    with source.open() as stream:
        lines = stream.read().decode().splitlines()
    locked = next(n for n, text in enumerate(lines, 1) if text.startswith("\t- locked <"))
    viewer = _viewer(qtbot)
    with qtbot.waitSignal(viewer.dump_shown, timeout=10_000):
        viewer.show_evidence(source, LineLocator(locked))
    assert viewer.dumps.count() == 1
    groups = [viewer.tree.topLevelItem(i) for i in range(viewer.tree.topLevelItemCount())]
    sizes = [int(group.text(0)) for group in groups]
    assert sizes == sorted(sizes, reverse=True)  # the biggest group first
    [blocked] = [g for g in groups if g.text(1).startswith("BLOCKED at com.acme.checkout.cart.")]
    assert int(blocked.text(0)) == sum(1 for text in lines if "- waiting to lock <" in text)
    assert blocked.childCount() == int(blocked.text(0))
    current = viewer.tree.currentItem()
    assert current.parent() is not None and current.parent().isExpanded()
    assert current.parent().text(1).startswith("RUNNABLE at java.base/java.util.Arrays")
    assert lines[locked - 1] in viewer.stack.toPlainText().splitlines()
    viewer.grab()
    viewer.wait_idle()


def test_a_line_of_a_later_dump_opens_that_dump(qtbot, member):
    worker = thread("worker-1", 41, "WAITING (parking)",
                    ["jdk.internal.misc.Unsafe.park(Native Method)"])
    text = "".join(dump([worker] * n, time=f"2026-11-17 09:0{n}:00") for n in (1, 2, 3))
    source = member("jstack.txt", text.encode())
    wanted = max(n for n, line in enumerate(text.splitlines(), 1) if line.startswith('"worker'))
    viewer = _viewer(qtbot)
    with qtbot.waitSignal(viewer.dump_shown, timeout=10_000) as shown:
        viewer.show_evidence(source, LineLocator(wanted))
    assert shown.args == [3] and viewer.dumps.currentIndex() == 2
    assert viewer.tree.currentItem().text(2) == str(wanted)
    # Choosing another dump shows its threads.
    with qtbot.waitSignal(viewer.dump_shown, timeout=10_000) as shown:
        viewer.dumps.setCurrentIndex(0)
    assert shown.args == [1]
    viewer.wait_idle()


def test_a_member_without_a_dump_says_so(qtbot, member):
    viewer = _viewer(qtbot)
    with qtbot.waitSignal(viewer.loaded, timeout=10_000) as loaded:
        viewer.show_evidence(member("notes.txt", b"nothing to see\n"))
    assert loaded.args == [0] and viewer.tree.topLevelItemCount() == 0
    viewer.wait_idle()
