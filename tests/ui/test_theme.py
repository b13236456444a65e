"""The theme: today's colours from the palette, a stylesheet that is used, the icons."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QVBoxLayout, QWidget

import resources
from inspector.model import ArtifactKind, Severity
from ui import theme

# The colours the app showed before the palette collected them (issue 24: same look).
TODAY = {
    "severity.critical": "#b71c1c", "severity.high": "#e65100", "severity.medium": "#f9a825",
    "severity.low": "#1e88e5", "severity.info": "#78909c",
    "har_phase.dns": "#26a69a", "har_phase.wait": "#43a047", "har_status.failed": "#c62828",
    "har_status.client_error": "#ef6c00", "message.banner_background": "#b71c1c",
    "message.error_text": "#a40e26",
}
SCHEMED = {  # (light, dark)
    "level.error": ("#c62828", "#ff8a80"), "level.warning": ("#a15c00", "#ffd180"),
    "level.debug": ("#757575", "#9e9e9e"), "highlight.evidence": ("#fff3b0", "#5c4b00"),
    "highlight.match": ("#c8e6c9", "#1b5e20"), "sql.keyword": ("#0000c0", "#569cd6"),
    "sql.string": ("#a31515", "#ce9178"), "sql.comment": ("#8a8a8a", "#8a8a8a"),
}


@pytest.mark.parametrize(("name", "expected"), TODAY.items())
def test_colours_are_todays(name, expected):
    assert theme.colour(name).name() == expected


@pytest.mark.parametrize(("name", "variants"), SCHEMED.items())
def test_light_and_dark_variants_follow_the_palette_in_use(name, variants):
    light, dark = variants
    assert theme.colour(name, dark=False).name() == light
    assert theme.colour(name, dark=True).name() == dark
    assert theme.colour(name).name() == (dark if theme.is_dark() else light)


def test_levels_without_a_colour_and_unknown_names():
    assert theme.level_colour("info") is None
    assert theme.level_colour("error") == theme.colour("level.error")
    with pytest.raises(KeyError):
        theme.colour("severity.catastrophic")


def test_text_on_a_badge_contrasts():
    assert theme.text_colour_on(QColor("#f9a825")).name() == "#000000"
    assert theme.text_colour_on(QColor("#b71c1c")).name() == "#ffffff"


def test_the_stylesheet_names_only_palette_colours():
    sheet = theme.stylesheet(dark=False)
    assert "@" not in sheet
    assert "QFrame#banner" in sheet and theme.colour("message.banner_background").name() in sheet


def test_the_stylesheet_colours_the_widgets_it_styles(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    banner = QFrame(objectName="banner")
    text = QLabel("Cannot open case.zip", banner)
    error = QLabel("refused")
    error.setProperty("message", "error")
    for widget in (banner, error):
        theme.style(widget)
    layout = QVBoxLayout(window)
    for widget in (banner, error):
        layout.addWidget(widget)
    window.resize(300, 200)
    window.show()
    qtbot.waitExposed(window)
    image = window.grab().toImage()
    box = banner.geometry()
    assert image.pixelColor(box.right() - 4, box.center().y()) == \
        theme.colour("message.banner_background")
    assert text.palette().color(QPalette.ColorRole.WindowText) == \
        theme.colour("message.banner_text")
    assert error.palette().color(QPalette.ColorRole.WindowText) == \
        theme.colour("message.error_text")


def test_every_kind_and_severity_has_its_own_drawn_icon(qapp):
    names = {theme.KIND_ICONS[kind] for kind in ArtifactKind}
    assert {f"icons/{name}.svg" for name in names} | {
        f"icons/severity-{s.value}.svg" for s in Severity} == set(
        resources.names("icons", suffix=".svg"))
    for kind in ArtifactKind:
        icon = theme.kind_icon(kind)
        assert not icon.isNull()
        assert {size.width() for size in icon.availableSizes()} == set(theme.ICON_SIZES)
    for severity in Severity:
        image = theme.severity_icon(severity).pixmap(32).toImage()
        tint = theme.text_colour_on(theme.severity_colour(severity))
        drawn = {image.pixelColor(x, y).rgb() for x in range(32) for y in range(32)
                 if image.pixelColor(x, y).alpha() == 255}
        assert drawn == {tint.rgb()}


def test_kind_icons_take_the_palettes_text_colour(qapp):
    text = QApplication.palette().color(QPalette.ColorRole.Text)
    image = theme.kind_icon(ArtifactKind.LOG).pixmap(16).toImage()
    opaque = [image.pixelColor(x, y) for x in range(16) for y in range(16)
              if image.pixelColor(x, y).alpha() == 255]
    assert opaque and all(pixel.rgb() == text.rgb() for pixel in opaque)
    assert image.pixelColor(0, 15).alpha() == 0
