"""The first page: open a file, a folder, a sample (built off the GUI thread), or train."""

from __future__ import annotations

import threading

from ui.welcome import WelcomePage


def test_a_sample_is_built_off_the_gui_thread_then_chosen_and_reused(qtbot, tmp_path,
                                                                     monkeypatch):
    import ui.welcome as welcome

    threads = []
    build = welcome.build_sample

    def recording(state, name, directory):
        threads.append(threading.current_thread())
        return build(state, name, directory)

    monkeypatch.setattr(welcome, "build_sample", recording)
    page = WelcomePage(tmp_path / "samples")
    qtbot.addWidget(page)
    assert page.samples.findData("gateway_502") >= 0
    with qtbot.waitSignal(page.bundle_chosen, timeout=60_000) as chosen:
        page.open_sample("gateway_502")
    assert chosen.args == [str(tmp_path / "samples" / "gateway_502.zip")]
    assert threads and threads[0] is not threading.main_thread()
    built = (tmp_path / "samples" / "gateway_502.zip").stat().st_mtime_ns
    with qtbot.waitSignal(page.bundle_chosen, timeout=60_000):
        page.open_sample("gateway_502")
    assert (tmp_path / "samples" / "gateway_502.zip").stat().st_mtime_ns == built
    assert page.open_sample_button.isEnabled() and page.status.text() == ""


def test_recent_bundles_open_when_activated_and_none_says_so(qtbot, tmp_path):
    page = WelcomePage(tmp_path / "samples")
    qtbot.addWidget(page)
    page.set_recent([])
    assert page.recent.item(0).text() == "(none yet)"
    with qtbot.assertNotEmitted(page.bundle_chosen):
        page.recent.itemActivated.emit(page.recent.item(0))
    page.set_recent(["/cases/4711.zip"])
    with qtbot.waitSignal(page.bundle_chosen) as chosen:  # a double click, or Return
        page.recent.itemActivated.emit(page.recent.item(0))
    assert chosen.args == ["/cases/4711.zip"]
