"""The app's look: Fusion over the system palette, the colours of ``resources/palette.toml``,
the Qt stylesheet ``resources/qt/app.qss`` and the icons in ``resources/icons/``, all read
through the ``resources`` accessor. Every colour a widget of ``ui/`` uses comes from here.

Decisions the next engineer needs:

- Fusion style everywhere (``STYLE``, set by ``ui.app``), so the app looks the same on
  every desktop, with the app's own light or dark palette (``qt_palette``, ``[ui.light]``
  and ``[ui.dark]`` in palette.toml), chosen by the system's scheme (Qt 6.5+ reports it
  through ``QStyleHints.colorScheme``) or by the user (View > Theme). Owning both palettes
  is what lets ``tests/ui/test_theme.py`` prove every text colour meets WCAG AA contrast
  (4.5:1, ``contrast``) on the backgrounds it is drawn on, in both schemes.
- One palette for the app and the reports: change a colour in ``palette.toml`` and both
  follow. A group with ``light`` and ``dark`` variants (log levels, highlights, SQL) is read
  for the scheme in use when the colour is asked for (``is_dark``): ``colour("level.error")``.
- The stylesheet styles only what the palette cannot (the banner, error text) and names
  colours by their place in the palette (``@message.error_text``), replaced here; an
  unknown name fails at once rather than leaving a rule without its colour. It is set on
  the widgets it styles (``style``), not on the window or the application: a stylesheet
  routes every widget below it through Qt's stylesheet style, which sizes some widgets
  (spin boxes) differently from Fusion and would make ``QApplication.style()`` a proxy.
- Icons are monochrome SVGs drawn for this app in ``currentColor``: the kind icons take the
  palette's text colour, the severity icons the text colour of their severity's badge
  (``text_colour_on``: black or white, whichever contrasts more), so they read on light and
  dark palettes alike. They are rendered
  at several sizes (``ICON_SIZES``) so they stay sharp wherever a view draws them.

>>> colour("severity.critical").name()
'#b71c1c'
>>> "@" in stylesheet(dark=False)
False
"""

from __future__ import annotations

import functools
import re
import tomllib
import weakref
from typing import Any

import shiboken6
from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QWidget

import resources
from inspector.model import ArtifactKind, Severity

PALETTE = "palette.toml"
STYLESHEET = "qt/app.qss"
STYLE = "Fusion"
ICON_SIZES = (16, 20, 24, 32, 48, 64)
# Black or white text on a coloured badge: whichever reads better on it.
DARK_TEXT, LIGHT_TEXT = QColor("#000000"), QColor("#ffffff")
_REFERENCE = re.compile(r"@([a-z_]+)\.([a-z_]+)")
KIND_ICONS = {
    ArtifactKind.PCAP: "kind-capture", ArtifactKind.PCAPNG: "kind-capture",
    ArtifactKind.HAR: "kind-har", ArtifactKind.SQL_DUMP: "kind-sql-dump",
    ArtifactKind.MYSQL_SLOW_LOG: "kind-slow-log", ArtifactKind.POSTGRES_LOG: "kind-postgres-log",
    ArtifactKind.LOG: "kind-log", ArtifactKind.JSON: "kind-json", ArtifactKind.TEXT: "kind-text",
    ArtifactKind.BINARY: "kind-binary", ArtifactKind.ARCHIVE: "kind-archive",
    ArtifactKind.JOURNAL: "kind-journal", ArtifactKind.KERNEL_LOG: "kind-kernel-log",
    ArtifactKind.GC_LOG: "kind-gc-log", ArtifactKind.THREAD_DUMP: "kind-thread-dump",
    ArtifactKind.KUBERNETES: "kind-kubernetes", ArtifactKind.COMMAND_OUTPUT: "kind-command-output",
    ArtifactKind.CONFIG: "kind-config", ArtifactKind.YAML: "kind-yaml",
    ArtifactKind.DOCUMENT: "kind-document",
}


@functools.cache
def palette() -> dict[str, Any]:
    """``palette.toml`` as read (groups of ``name = "#rrggbb"``)."""
    return tomllib.loads(resources.read_text(PALETTE))


def is_dark() -> bool:
    """Whether the palette in use is dark (its window colour is)."""
    return QApplication.palette().window().color().lightnessF() < 0.5


def _group(group: str, dark: bool) -> dict[str, str]:
    colours = palette()[group]
    if "light" in colours:
        return colours["dark" if dark else "light"]
    return colours


@functools.cache
def _colour(group: str, name: str, dark: bool) -> QColor:
    return QColor(_group(group, dark)[name])


def colour(name: str, dark: bool | None = None) -> QColor:
    """The palette colour ``group.name``, for the scheme in use unless ``dark`` is given.

    Raises ``KeyError`` for a name the palette does not have. The colour is shared: copy it
    (``QColor(colour)``) before changing it.
    """
    group, _, key = name.partition(".")
    return _colour(group, key, is_dark() if dark is None else dark)


def level_colour(level: str) -> QColor | None:
    """A log level's text colour; None for the levels shown in the usual text colour."""
    dark = is_dark()
    return _colour("level", level, dark) if level in _group("level", dark) else None


def severity_colour(severity: Severity) -> QColor:
    return colour(f"severity.{severity.value}")


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of ``colour``.

    >>> round(luminance(QColor("#ffffff")), 3), round(luminance(QColor("#000000")), 3)
    (1.0, 0.0)
    """
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4
    return (0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF())
            + 0.0722 * linear(colour.blueF()))


def contrast(first: QColor, second: QColor) -> float:
    """WCAG 2 contrast ratio, 1 to 21; AA asks 4.5 for text.

    >>> round(contrast(QColor("#f9a825"), QColor("#ffffff")), 1)
    2.0
    """
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: QColor) -> QColor:
    """Black or white, whichever has the higher contrast on ``background``."""
    if contrast(DARK_TEXT, background) >= contrast(LIGHT_TEXT, background):
        return DARK_TEXT
    return LIGHT_TEXT


# QPalette roles and the [ui.light] / [ui.dark] names that fill them.
PALETTE_ROLES = {
    QPalette.ColorRole.Window: "window", QPalette.ColorRole.WindowText: "window_text",
    QPalette.ColorRole.Base: "base", QPalette.ColorRole.AlternateBase: "alternate_base",
    QPalette.ColorRole.Text: "text", QPalette.ColorRole.Button: "button",
    QPalette.ColorRole.ButtonText: "button_text", QPalette.ColorRole.Highlight: "highlight",
    QPalette.ColorRole.HighlightedText: "highlighted_text",
    QPalette.ColorRole.PlaceholderText: "placeholder_text", QPalette.ColorRole.Link: "link",
    QPalette.ColorRole.ToolTipBase: "tooltip_base",
    QPalette.ColorRole.ToolTipText: "tooltip_text",
}


def qt_palette(dark: bool) -> QPalette:
    """The app's palette for the light or the dark scheme (``[ui.*]`` in palette.toml),
    Fusion deriving the bevel shades from the button and window colours."""
    names = _group("ui", dark)
    result = QPalette(QColor(names["button"]), QColor(names["window"]))
    for role, name in PALETTE_ROLES.items():
        result.setColor(QPalette.ColorGroup.All, role, QColor(names[name]))
    return result


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


_STYLED: weakref.WeakSet[QWidget] = weakref.WeakSet()


def apply(app: QApplication, dark: bool | None = None) -> None:
    """Use the light or dark palette (the system's scheme when ``dark`` is None), and
    restyle the widgets the stylesheet styles."""
    app.setPalette(qt_palette(system_is_dark() if dark is None else dark))
    for widget in list(_STYLED):
        # The set is weak on the Python wrapper; Qt may have deleted the widget first.
        if shiboken6.isValid(widget):
            widget.setStyleSheet(stylesheet())
        else:
            _STYLED.discard(widget)


def stylesheet(dark: bool | None = None) -> str:
    """``app.qss`` with its palette colours (``@message.error_text``) filled in."""
    chosen = is_dark() if dark is None else dark
    return _REFERENCE.sub(lambda match: _colour(match[1], match[2], chosen).name(),
                          resources.read_text(STYLESHEET))


def style(widget: QWidget) -> None:
    """Give ``widget``, one the stylesheet styles, and what it holds the app's stylesheet
    (again whenever the scheme changes)."""
    widget.setStyleSheet(stylesheet())
    _STYLED.add(widget)


@functools.cache
def _icon(name: str, rgb: str) -> QIcon:
    svg = resources.read_bytes(f"icons/{name}.svg")
    renderer = QSvgRenderer(QByteArray(svg.replace(b"<svg ", f'<svg color="{rgb}" '.encode(),
                                                   1)))
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def icon(name: str, tint: QColor) -> QIcon:
    """The app's icon ``icons/<name>.svg``, drawn in ``tint``."""
    return _icon(name, tint.name())


def kind_icon(kind: ArtifactKind) -> QIcon:
    """The icon of a kind of bundle member, in the palette's text colour."""
    return icon(KIND_ICONS[kind], QApplication.palette().color(QPalette.ColorRole.Text))


def severity_icon(severity: Severity) -> QIcon:
    """The icon of a severity, to sit on its badge colour."""
    return icon(f"severity-{severity.value}", text_colour_on(severity_colour(severity)))
