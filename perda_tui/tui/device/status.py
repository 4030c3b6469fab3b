"""The device screen's status bar: a coloured badge word and one line about the server."""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

BADGE_CLASSES = ("-ok", "-busy", "-bad", "-off")


def age_text(seconds: float) -> str:
    """How long ago, in whole units: `just now`, `12 s ago`, `3 min ago`, `2 h ago`."""
    if seconds < 1:
        return "just now"
    if seconds < 60:
        return f"{int(seconds)} s ago"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    return f"{int(seconds // 3600)} h ago"


class ConnectionText(Widget):
    """One line of text cut with an ellipsis; changing it repaints this widget only.

    Drawn as one line of segments (`render_line`): the text changes every second, and a
    `Text` through Textual's visual pipeline costs about a millisecond here each time.
    """

    DEFAULT_CSS = """
    ConnectionText {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text()
        self._line: Strip | None = None

    def show(self, text: Text) -> None:
        """Replace the text (repaint only if it changed)."""
        if text != self.text:
            self.text, self._line = text, None
            self.refresh()

    def render(self) -> Text:
        return self.text

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line = None

    def render_line(self, y: int) -> Strip:
        width, style = self.size.width, self.rich_style
        if y or not width:
            return Strip.blank(width, style)
        if self._line is None or self._line.cell_length != width:
            text = self.text.copy()
            text.truncate(width, overflow="ellipsis")
            segments = Segment.apply_style(text.render(self.app.console), style)
            self._line = Strip(segments).adjust_cell_length(width, style)
        return self._line


class DeviceStatusBar(Horizontal):
    """`[ READY ]  connected over tcp · updated 3 s ago`."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.word = "OFFLINE"

    def compose(self) -> ComposeResult:
        yield Static(" OFFLINE ", id="device-badge", classes="-off")
        yield ConnectionText(id="device-connection")

    def show(self, word: str, css: str, text: Text) -> None:
        """The badge (`word` in the colour of CSS class `css`) and the line beside it."""
        badge = self.query_one("#device-badge", Static)
        if self.word != word:  # a new word may change the width: only then a layout pass
            self.word = word
            badge.update(f" {word} ")
        for name in BADGE_CLASSES:
            badge.set_class(name == css, name)
        self.query_one(ConnectionText).show(text)
