"""Aligning runs in time: each run's zero is its first sample (`start`) or the first moment
an event expression becomes true (`event:EXPR`, e.g. `pcm.wheelSpeeds.frontLeft > 5`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from perda_tui.analysis.expressions import ExpressionError, evaluate

if TYPE_CHECKING:
    from perda_tui.logs import Log

#: An event expression this long or longer is refused.
MAX_EXPRESSION = 500


class AlignError(ValueError):
    """An alignment that cannot be applied (bad expression, event never happens)."""


@dataclass(frozen=True)
class Alignment:
    """`start` (t = 0 at each run's first sample) or `event` (t = 0 where `expression`
    first holds)."""

    mode: str = "start"
    expression: str = ""

    @classmethod
    def parse(cls, text: str) -> Alignment:
        """`start` or `event:EXPR`."""
        text = text.strip()
        if text == "start":
            return cls()
        if text.startswith("event:") and text[6:].strip():
            expression = text[6:].strip()
            if len(expression) >= MAX_EXPRESSION:
                raise AlignError(f"the event expression is longer than {MAX_EXPRESSION} characters")
            return cls("event", expression)
        raise AlignError(f"alignment is 'start' or 'event:EXPR', not {text!r}")

    def __str__(self) -> str:
        return "start" if self.mode == "start" else f"event:{self.expression}"

    def zero(self, log: Log) -> float:
        """The raw timestamp that becomes t = 0 for `log`."""
        if log.start_time is None:
            raise AlignError("the log has no samples")
        if self.mode == "start":
            return float(log.start_time)
        return event_time(log, self.expression)


def event_time(log: Log, expression: str) -> float:
    """Raw time of the first sample at which `expression` (`analysis.expressions`, e.g.
    `pcm.wheelSpeeds.frontLeft > 5`) is true (not zero)."""
    try:
        signal = evaluate(expression, log)
    except ExpressionError as exc:
        raise AlignError(str(exc)) from None
    hits = np.flatnonzero(np.nan_to_num(signal.values) != 0)
    if not len(hits):
        raise AlignError(f"{expression} never holds in this log")
    return float(signal.timestamps[hits[0]])
