"""The theme: today's colours from the palette, a stylesheet that is used, the icons."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QVBoxLayout, QWidget

import resources
from inspector.model import ArtifactKind, Severity
from ui import theme

AA = 4.5  # WCAG 2.1 AA, normal text

# Every text colour, and the background it is drawn on, by palette name: "ui.text" is the
# scheme's own. Each pair is checked in the light and in the dark scheme.
TEXT_PAIRS = [
    ("ui.text", "ui.base"), ("ui.window_text", "ui.window"), ("ui.button_text", "ui.button"),
    ("ui.highlighted_text", "ui.highlight"), ("ui.placeholder_text", "ui.base"),
    ("ui.tooltip_text", "ui.tooltip_base"), ("ui.link", "ui.base"),
    # the text viewer: levels on the page, on an evidence line, on a search match
    *[(f"level.{level}", background) for level in ("error", "warning", "debug")
      for background in ("ui.base", "highlight.evidence", "highlight.match")],
    ("ui.text", "highlight.evidence"), ("ui.text", "highlight.match"),
    ("ui.text", "highlight.analysis"),  # a packet with TCP trouble
    *[(f"sql.{kind}", "ui.base") for kind in ("comment", "string", "number", "keyword")],
    ("follow.a", "ui.base"), ("follow.b", "ui.base"),
    *[(f"status.{kind}", "ui.base") for kind in ("failed", "skipped", "problem")],
    ("message.banner_text", "message.banner_background"),
    ("message.warning_text", "message.warning_background"),
    ("message.info_text", "message.info_background"),
    ("message.error_text", "ui.window"), ("ui.text", "filter.valid"),
    ("ui.text", "filter.invalid"),
]
# Badges: a coloured cell with black or white text, whichever contrasts more.
BADGES = [f"severity.{s.value}" for s in Severity] + ["har_status.failed",
                                                      "har_status.client_error"]


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS)
def test_every_text_colour_meets_wcag_aa(text, background, dark):
    ratio = theme.contrast(theme.colour(text, dark=dark), theme.colour(background, dark=dark))
    assert ratio >= AA, f"{text} on {background}: {ratio:.2f}"


@pytest.mark.parametrize("badge", BADGES)
def test_badges_carry_the_text_colour_that_meets_wcag_aa(badge):
    background = theme.colour(badge)
    assert theme.contrast(theme.text_colour_on(background), background) >= AA


def test_medium_is_black_on_yellow_now():
    medium = theme.colour("severity.medium")
    assert theme.text_colour_on(medium).name() == "#000000"
    assert theme.contrast(QColor("#ffffff"), medium) < AA  # what white on it was


def test_the_qt_palette_is_the_schemes_and_switches(qapp):
    try:
        theme.apply(qapp, dark=True)
        assert theme.is_dark()
        assert QApplication.palette().color(QPalette.ColorRole.Base) == \
            theme.colour("ui.base", dark=True)
        theme.apply(qapp, dark=False)
        assert not theme.is_dark()
        assert QApplication.palette().color(QPalette.ColorRole.Text) == \
            theme.colour("ui.text", dark=False)
    finally:
        theme.apply(qapp, dark=False)


@pytest.mark.parametrize(("name", "variants"), {
    "level.error": ("#c62828", "#ff8a80"), "highlight.evidence": ("#fff3b0", "#3d3200"),
    "sql.keyword": ("#0000c0", "#569cd6")}.items())
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
