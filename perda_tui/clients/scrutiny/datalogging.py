"""Datalogger models (names as in the Scrutiny SDK) and their wire forms (0.16 servers).

`DataloggingConfig` validates an acquisition request the way the server does and turns it
into the `request_datalogging_acquisition` fields; the parsers turn untrusted replies
(`read_datalogging_acquisition_content`, `list_datalogging_acquisitions`, the
capabilities in the device info) into immutable models, with sizes bounded.
"""

from __future__ import annotations

import enum
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from perda_tui.clients.scrutiny.errors import OperationFailure, TimeoutException
from perda_tui.clients.scrutiny.parse import BadMessage, checked_number
from perda_tui.clients.scrutiny.parse import field as checked_field

#: Longest timeout and hold time the protocol can carry (seconds, 100 ns ticks in 32 bits).
MAX_TIMEOUT = math.floor((2**32 - 1) * 1e-7)
MAX_HOLD_TIME = MAX_TIMEOUT
#: Bounds on what a server may send back.
MAX_SIGNALS = 256
MAX_POINTS = 1_000_000
MAX_LISTED = 10_000


class XAxisType(enum.Enum):
    """What the x axis of an acquisition holds."""

    Indexed = "index"
    IdealTime = "ideal_time"
    MeasuredTime = "measured_time"


class TriggerCondition(enum.Enum):
    """Trigger conditions of the protocol (the value is the wire name)."""

    AlwaysTrue = "true"
    Equal = "eq"
    NotEqual = "neq"
    LessThan = "lt"
    LessOrEqualThan = "let"
    GreaterThan = "gt"
    GreaterOrEqualThan = "get"
    ChangeMoreThan = "cmt"
    IsWithin = "within"

    def required_operands(self) -> int:
        """How many operands the condition takes."""
        return 0 if self is TriggerCondition.AlwaysTrue else 3 if self.value == "within" else 2


#: Condition symbols accepted in a trigger text such as `/a/b > 0.5`.
TRIGGER_SYMBOLS = {
    "==": TriggerCondition.Equal,
    "!=": TriggerCondition.NotEqual,
    "<=": TriggerCondition.LessOrEqualThan,
    ">=": TriggerCondition.GreaterOrEqualThan,
    "<": TriggerCondition.LessThan,
    ">": TriggerCondition.GreaterThan,
}
_TRIGGER = re.compile(r"^\s*(.+?)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$")

Operand = float | str


def parse_trigger(text: str) -> tuple[TriggerCondition, list[Operand]]:
    """`PATH OP VALUE` (OP one of == != < <= > >=; a side starting with `/` is a path)
    or `true`; raises ValueError with a one-line message."""
    if text.strip().lower() in ("", "true"):
        return TriggerCondition.AlwaysTrue, []
    match = _TRIGGER.match(text)
    if match is None:
        raise ValueError(f"trigger {text[:60]!r}: expected 'PATH > 0.5' (== != < <= > >=)")
    left, symbol, right = match.groups()
    return TRIGGER_SYMBOLS[symbol], [_operand(left), _operand(right)]


def _operand(text: str) -> Operand:
    if text.startswith("/"):
        return text
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"operand {text[:40]!r} is neither a number nor a /path") from None
    if not math.isfinite(value):
        raise ValueError(f"operand {text[:40]!r} is not finite")
    return value


@dataclass
class DataloggingConfig:
    """An acquisition to request: signals, loop, decimation, trigger and timeout.

    `trigger_position` is 0..1 (where the trigger sits in the buffer), `hold_time` the
    seconds the condition must hold, `timeout` the seconds before a forced trigger (0: none).
    """

    sampling_rate: int
    signals: list[str]
    decimation: int = 1
    timeout: float = 0.0
    name: str = ""
    condition: TriggerCondition = TriggerCondition.AlwaysTrue
    operands: list[Operand] = field(default_factory=list)
    trigger_position: float = 0.5
    hold_time: float = 0.0
    x_axis: XAxisType = XAxisType.MeasuredTime

    def __post_init__(self) -> None:
        if isinstance(self.sampling_rate, bool) or not isinstance(self.sampling_rate, int):
            raise TypeError("sampling_rate must be an integer id")
        if not self.signals or len(self.signals) > MAX_SIGNALS:
            raise ValueError(f"give 1 to {MAX_SIGNALS} signals")
        for path in self.signals:
            if not isinstance(path, str) or not path.startswith("/"):
                raise ValueError(f"signal paths start with '/', got {path!r}")
        if isinstance(self.decimation, bool) or not isinstance(self.decimation, int):
            raise TypeError("decimation must be an integer")
        if not 1 <= self.decimation <= 0xFFFF:
            raise ValueError("decimation must be in 1..65535")
        _check_range(self.timeout, "timeout", 0, MAX_TIMEOUT)
        _check_range(self.hold_time, "hold time", 0, MAX_HOLD_TIME)
        _check_range(self.trigger_position, "trigger position", 0, 1)
        if len(self.operands) != self.condition.required_operands():
            raise ValueError(
                f"{self.condition.name} takes {self.condition.required_operands()} operands,"
                f" got {len(self.operands)}"
            )
        for operand in self.operands:
            if isinstance(operand, str):
                if not operand.startswith("/"):
                    raise ValueError(f"operand paths start with '/', got {operand!r}")
            else:
                _check_range(operand, "operand", -math.inf, math.inf)

    def to_api(self) -> dict[str, Any]:
        """The fields of `request_datalogging_acquisition` (one y axis, as the SDK's default)."""
        return {
            "name": self.name,
            "sampling_rate_id": self.sampling_rate,
            "decimation": self.decimation,
            "timeout": float(self.timeout),
            "trigger_hold_time": float(self.hold_time),
            "probe_location": float(self.trigger_position),
            "condition": self.condition.value,
            "operands": [
                {"type": "watchable", "value": op}
                if isinstance(op, str)
                else {"type": "literal", "value": float(op)}
                for op in self.operands
            ],
            "x_axis_type": self.x_axis.value,
            "x_axis_signal": None,
            "yaxes": [{"id": 0, "name": "Y"}],
            "signals": [{"path": path, "name": path, "axis_id": 0} for path in self.signals],
        }


def _check_range(value: object, what: str, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{what} must be a number, got {type(value).__name__}")
    if math.isnan(value) or not low <= value <= high or math.isinf(value):
        raise ValueError(f"{what} must be in {low:g}..{high:g}, got {value}")


@dataclass(frozen=True)
class DataSeries:
    """One logged series: its name, the watched path (None for the x axis) and the data."""

    name: str
    logged_path: str | None
    data: np.ndarray


@dataclass(frozen=True)
class DataloggingAcquisition:
    """A stored acquisition: x axis, y series, trigger sample index, identity."""

    reference_id: str
    name: str
    firmware_id: str
    acq_time: datetime
    trigger_index: int | None
    xdata: DataSeries
    signals: tuple[DataSeries, ...]


@dataclass(frozen=True)
class DataloggingStorageEntry:
    """An acquisition in the server's storage (as listed)."""

    reference_id: str
    name: str
    firmware_id: str
    timestamp: datetime
    project_name: str | None


def _when(value: float) -> datetime:
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise BadMessage(f"timestamp {value} is out of range") from exc


def _series(raw: object, what: str) -> DataSeries:
    name = checked_field(raw, "name", str)[:200]
    data_raw = checked_field(raw, "data", list)
    if len(data_raw) > MAX_POINTS:
        raise BadMessage(f"{what} has {len(data_raw)} points (at most {MAX_POINTS})")
    values = np.empty(len(data_raw), dtype=np.float64)
    for index, item in enumerate(data_raw):
        if isinstance(item, str) and item.lower() in ("nan", "inf", "-inf"):
            values[index] = float(item)  # how the server sends non-finite values
        else:
            values[index] = checked_number(item, f"{what}[{index}]")
    watchable = raw.get("watchable") if isinstance(raw, dict) else None
    path = checked_field(watchable, "path", str) if isinstance(watchable, dict) else None
    return DataSeries(name, path, values)


def parse_acquisition(reply: dict[str, Any]) -> DataloggingAcquisition:
    """A `read_datalogging_acquisition_content` reply; `BadMessage` when malformed."""
    signals_raw = checked_field(reply, "signals", list)
    if len(signals_raw) > MAX_SIGNALS:
        raise BadMessage(f"{len(signals_raw)} signals (at most {MAX_SIGNALS})")
    xdata = _series(checked_field(reply, "xdata", dict), "x axis")
    signals = tuple(_series(raw, f"signal {i}") for i, raw in enumerate(signals_raw))
    for series in signals:
        if len(series.data) != len(xdata.data):
            raise BadMessage(
                f"{series.name}: {len(series.data)} points for {len(xdata.data)} x values"
            )
    trigger = reply.get("trigger_index")
    if trigger is not None:
        trigger = int(checked_number(trigger, "trigger_index"))
        if not 0 <= trigger < max(1, len(xdata.data)):
            trigger = None
    return DataloggingAcquisition(
        reference_id=checked_field(reply, "reference_id", str),
        name=checked_field(reply, "name", str)[:200],
        firmware_id=checked_field(reply, "firmware_id", str)[:200],
        acq_time=_when(checked_number(reply.get("timestamp"), "timestamp")),
        trigger_index=trigger,
        xdata=xdata,
        signals=signals,
    )


def parse_storage_list(reply: dict[str, Any]) -> list[DataloggingStorageEntry]:
    """A `list_datalogging_acquisitions` reply, newest first, at most `MAX_LISTED`."""
    out = []
    for raw in checked_field(reply, "acquisitions", list)[:MAX_LISTED]:
        metadata = raw.get("firmware_metadata") if isinstance(raw, dict) else None
        project = metadata.get("project_name") if isinstance(metadata, dict) else None
        out.append(
            DataloggingStorageEntry(
                reference_id=checked_field(raw, "reference_id", str)[:200],
                name=(raw.get("name") if isinstance(raw.get("name"), str) else "")[:200],
                firmware_id=checked_field(raw, "firmware_id", str)[:200],
                timestamp=_when(checked_number(raw.get("timestamp"), "timestamp")),
                project_name=project[:200] if isinstance(project, str) else None,
            )
        )
    return sorted(out, key=lambda entry: entry.timestamp, reverse=True)


class DataloggingRequest:
    """An armed acquisition: wait for it, then fetch it (the client completes it).

    `cancel()` stops waiting here; the protocol has no cancel, so the device's datalogger
    keeps the request until it triggers, times out or a new request replaces it.
    """

    def __init__(
        self, token: str, fetch: Callable[[str, float | None], DataloggingAcquisition]
    ) -> None:
        self.request_token = token
        self._fetch = fetch
        self._done = threading.Event()
        self._success = False
        self._reference_id: str | None = None
        self._failure = ""

    @property
    def completed(self) -> bool:
        """True once the server said how it ended (or the connection ended it)."""
        return self._done.is_set()

    @property
    def is_success(self) -> bool:
        """True when completed with an acquisition stored on the server."""
        return self._done.is_set() and self._success

    @property
    def acquisition_reference_id(self) -> str | None:
        """The stored acquisition's id once completed successfully."""
        return self._reference_id

    @property
    def failure_reason(self) -> str:
        """Why it did not succeed (empty while pending or on success)."""
        return self._failure

    def wait_for_completion(self, timeout: float | None = None) -> None:
        """Wait until completed; `TimeoutException` after `timeout` s, `OperationFailure`
        when the acquisition failed, was cancelled or the connection was lost."""
        if not self._done.wait(timeout):
            raise TimeoutException(f"the acquisition did not complete within {timeout} s")
        if not self._success:
            raise OperationFailure(f"acquisition failed: {self._failure}")

    def fetch_acquisition(self, timeout: float | None = None) -> DataloggingAcquisition:
        """Read the completed acquisition from the server."""
        self.wait_for_completion(0)
        assert self._reference_id is not None
        return self._fetch(self._reference_id, timeout)

    def wait_and_fetch(self, timeout: float | None = None) -> DataloggingAcquisition:
        """`wait_for_completion(timeout)` then `fetch_acquisition()`."""
        self.wait_for_completion(timeout)
        return self.fetch_acquisition()

    def cancel(self) -> None:
        """Stop waiting (see the class note)."""
        self._complete(False, None, "cancelled")

    def _complete(self, success: bool, reference_id: str | None, failure: str) -> None:
        if self._done.is_set():
            return
        self._success, self._reference_id, self._failure = success, reference_id, failure
        self._done.set()
