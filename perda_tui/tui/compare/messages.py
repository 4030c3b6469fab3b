"""What the compare feature's workers post back: progress, a loaded run, a failure, laps,
summary figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from perda_tui.analysis.compare import Stats
    from perda_tui.analysis.laps import Lap
    from perda_tui.logs import Log


class RunProgress(Message):
    """Run `index` is at `stage` ("download", "queued" for a parse or "parse"), `done` of
    `total` bytes."""

    def __init__(self, index: int, stage: str, done: int, total: int) -> None:
        super().__init__()
        self.index = index
        self.stage = stage
        self.done = done
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RunProgress) and message.index == self.index


class RunLoaded(Message):
    """Run `index` is parsed into `log`."""

    def __init__(self, index: int, log: Log) -> None:
        super().__init__()
        self.index = index
        self.log = log


class RunStored(Message):
    """Run `index`'s parsed form is stored: `log` is it, mapped from the parsed cache."""

    def __init__(self, index: int, log: Log) -> None:
        super().__init__()
        self.index = index
        self.log = log


class RunFailed(Message):
    """Run `index` could not be downloaded or parsed."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__()
        self.index = index
        self.error = error


class LapsFound(Message):
    """Laps of each run (a list) or why there are none (a one-line message)."""

    def __init__(self, found: list[list[Lap] | str]) -> None:
        super().__init__()
        self.found = found


class StatsReady(Message):
    """Summary figures computed in a worker, by (run index, signal)."""

    def __init__(self, found: dict[tuple[int, str], Stats]) -> None:
        super().__init__()
        self.found = found
