"""HAR entries: masking of every credential, the waterfall, selection by entry number."""

from __future__ import annotations

import orjson

from inspector.bundle import open_bundle
from inspector.model import ArtifactKind, EntryLocator
from ui.viewers import MemberSource
from ui.viewers.har import HarViewer, har_entry

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl"


def secret_entry() -> dict:
    return {
        "startedDateTime": "2024-05-01T09:14:02.000Z", "time": 230,
        "request": {"method": "POST", "url": "https://user:hunter2@api.test/login?api_key="
                                              "k3y-very-secret-value",
                    "headers": [{"name": "Authorization", "value": f"Bearer {TOKEN}"},
                                {"name": "Cookie", "value": "sid=4f2a9c81d0e3aa77; lang=en"}],
                    "cookies": [{"name": "sid", "value": "4f2a9c81d0e3aa77"}],
                    "postData": {"mimeType": "application/json",
                                 "text": '{"user": "ann", "password": "correct horse"}'}},
        "response": {"status": 401, "statusText": "Unauthorized",
                     "headers": [{"name": "Set-Cookie", "value": "sid=99aa88bb77cc66dd; Path=/"}],
                     "content": {"size": 120, "mimeType": "application/json"}},
        "timings": {"dns": 10, "connect": 20, "ssl": 30, "send": 1, "wait": 150, "receive": 19},
    }


def test_every_credential_is_masked_before_it_is_kept():
    entry = har_entry(1, secret_entry())
    shown = entry.url + entry.headers
    for secret in (TOKEN, "hunter2", "k3y-very-secret-value", "4f2a9c81d0e3aa77",
                   "99aa88bb77cc66dd", "correct horse"):
        assert secret not in shown
    assert "lang=en" in entry.headers  # not a secret: kept readable
    assert entry.status == 401 and entry.timings["wait"] == 150


def test_viewer_selects_the_evidence_entry(qtbot, qtmodeltester, sample_dir):
    path = sample_dir / "gateway_502.zip"
    with open_bundle(path) as bundle:
        artifact = next(a for a in bundle.artifacts if a.kind is ArtifactKind.HAR)
        source = MemberSource(path, bundle.limits, artifact)
    with source.open() as stream:
        entries = orjson.loads(stream.read())["log"]["entries"]
    viewer = HarViewer()
    qtbot.addWidget(viewer)
    viewer.resize(1000, 600)
    viewer.show()
    with qtbot.waitSignal(viewer.loaded, timeout=10_000) as loaded:
        viewer.show_evidence(source, EntryLocator(51))
    assert loaded.args == [len(entries)]
    qtmodeltester.check(viewer.model)
    assert viewer.table.currentIndex().row() == 50
    request = entries[50]["request"]
    assert viewer.headers.toPlainText().startswith(f"{request['method']} ")
    assert viewer.waterfall.span > 0
    viewer.grab()  # paints the waterfall of every visible row without error


def test_the_phase_legend_shows_each_phase_in_its_waterfall_colour(qtbot):
    from PySide6.QtWidgets import QLabel

    from ui.viewers.har import PHASE_COLOURS, PHASES, phase_legend

    legend = phase_legend()
    qtbot.addWidget(legend)
    for phase in PHASES:
        swatch = legend.findChild(QLabel, f"phase-{phase}")
        image = swatch.pixmap().toImage()
        assert image.pixelColor(1, 1) == PHASE_COLOURS[phase]
    names = [label.text() for label in legend.findChildren(QLabel)]
    assert [name for name in names if name in PHASES] == list(PHASES)
