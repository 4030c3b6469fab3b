"""Configure a datalogger acquisition: signals (the watched paths, and more typed in),
sampling rate (from the device's capabilities), decimation, trigger condition and
operands, trigger position, hold time and timeout.

The entries are validated by `DataloggingConfig` before the dialog closes, so only a
well-formed request is ever sent. Dismisses with the config or None.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from perda_tui.clients.scrutiny import (
    DataloggingCapabilities,
    DataloggingConfig,
    TriggerCondition,
)
from perda_tui.tui.common.text import literal

CONDITIONS = [
    ("always (no trigger)", TriggerCondition.AlwaysTrue),
    ("A == B", TriggerCondition.Equal),
    ("A != B", TriggerCondition.NotEqual),
    ("A < B", TriggerCondition.LessThan),
    ("A <= B", TriggerCondition.LessOrEqualThan),
    ("A > B", TriggerCondition.GreaterThan),
    ("A >= B", TriggerCondition.GreaterOrEqualThan),
    ("A changes by more than B", TriggerCondition.ChangeMoreThan),
    ("|A - B| < C", TriggerCondition.IsWithin),
]
OPERANDS = ("a", "b", "c")


def rate_label(rate_name: str, frequency: float | None) -> str:
    """`1KHz (1000 Hz)` or `Python thread (variable)`."""
    return f"{rate_name} ({'variable' if frequency is None else f'{frequency:g} Hz'})"


def operand(text: str) -> float | str:
    """A typed operand: a `/path` or a number; ValueError otherwise."""
    text = text.strip()
    if text.startswith("/"):
        return text
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"operand {text[:30]!r} is neither a number nor a /path") from None


def number(text: str, what: str) -> float:
    """A typed number; ValueError naming the field otherwise."""
    try:
        return float(text.strip() or "0")
    except ValueError:
        raise ValueError(f"{what} must be a number, got {text[:20]!r}") from None


def build_config(
    signals: list[str], extra: str, rate: object, fields: dict[str, str], condition: object
) -> DataloggingConfig:
    """The config the form describes; ValueError/TypeError with a readable message."""
    paths = list(dict.fromkeys([*signals, *(p.strip() for p in extra.split(",") if p.strip())]))
    if not isinstance(rate, int):
        raise ValueError("the device offers no sampling rate")
    trigger = condition if isinstance(condition, TriggerCondition) else TriggerCondition.AlwaysTrue
    operands = [operand(fields[name]) for name in OPERANDS[: trigger.required_operands()]]
    decimation = fields["decimation"].strip() or "1"
    if not decimation.isdigit():
        raise ValueError(f"decimation must be a whole number, got {decimation[:20]!r}")
    return DataloggingConfig(
        sampling_rate=rate,
        signals=paths,
        decimation=int(decimation),
        timeout=number(fields["timeout"], "timeout"),
        condition=trigger,
        operands=operands,
        trigger_position=number(fields["position"], "trigger position") / 100,
        hold_time=number(fields["hold"], "hold time"),
        name=fields["name"].strip()[:100],
    )


class AcquireDialog(ModalScreen[DataloggingConfig | None]):
    """The acquisition form; Arm validates and closes with the config."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="device.acquire.cancel"),
    ]

    def __init__(self, capabilities: DataloggingCapabilities, watched: list[str]) -> None:
        super().__init__()
        self.capabilities = capabilities
        self.watched = watched

    def compose(self) -> ComposeResult:
        rates = [
            (rate_label(r.name, r.frequency), r.identifier)
            for r in self.capabilities.sampling_rates
        ]
        limit = self.capabilities.max_nb_signal
        with VerticalScroll(id="acquire-dialog"):
            yield Static("Datalogger acquisition", id="acquire-title")
            yield Label(f"Signals (up to {limit}): the watched values, and more paths")
            yield SelectionList[str](
                *[(path, path, True) for path in self.watched], id="acquire-signals"
            )
            yield Input(placeholder="more paths, comma-separated", id="acquire-extra", compact=True)
            with Horizontal(classes="acquire-row"):
                yield Label("Rate")
                yield Select(
                    rates,
                    value=rates[0][1] if rates else Select.BLANK,
                    id="acquire-rate",
                    compact=True,
                )
            with Horizontal(classes="acquire-row"):
                yield Label("Decimate")
                yield Input("1", id="acquire-decimation", compact=True)
                yield Label("Timeout s")
                yield Input("0", placeholder="0: none", id="acquire-timeout", compact=True)
            with Horizontal(classes="acquire-row"):
                yield Label("Trigger")
                yield Select(
                    CONDITIONS,
                    value=TriggerCondition.AlwaysTrue,
                    allow_blank=False,
                    id="acquire-condition",
                    compact=True,
                )
            with Horizontal(classes="acquire-row", id="acquire-operands"):
                for name in OPERANDS:
                    yield Label(name.upper(), classes="acquire-short")
                    yield Input(placeholder="/path or number", id=f"acquire-{name}", compact=True)
            with Horizontal(classes="acquire-row"):
                yield Label("Position %")
                yield Input("50", id="acquire-position", compact=True)
                yield Label("Hold s")
                yield Input("0", id="acquire-hold", compact=True)
            with Horizontal(classes="acquire-row"):
                yield Label("Name")
                yield Input(
                    placeholder="stored with the acquisition", id="acquire-name", compact=True
                )
            yield Static(id="acquire-error")
            with Horizontal(id="acquire-buttons"):
                yield Button("Arm", variant="primary", id="acquire-arm", compact=True)
                yield Button("Cancel", id="acquire-cancel", compact=True)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self._show_operands(TriggerCondition.AlwaysTrue)

    @on(Select.Changed, "#acquire-condition")
    def _condition_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, TriggerCondition):
            self._show_operands(event.value)

    def _show_operands(self, condition: TriggerCondition) -> None:
        count = condition.required_operands()
        self.query_one("#acquire-operands").display = count > 0
        labels = list(self.query(".acquire-short").results(Label))
        for index, name in enumerate(OPERANDS):
            shown = index < count
            self.query_one(f"#acquire-{name}", Input).display = shown
            labels[index].display = shown

    def fields(self) -> dict[str, str]:
        """The text entries of the form."""
        names = (*OPERANDS, "decimation", "timeout", "position", "hold", "name")
        return {name: self.query_one(f"#acquire-{name}", Input).value for name in names}

    @on(Button.Pressed, "#acquire-arm")
    @on(Input.Submitted)
    def arm(self) -> None:
        """Validate; close with the config, or show what is wrong."""
        try:
            config = build_config(
                list(self.query_one("#acquire-signals", SelectionList).selected),
                self.query_one("#acquire-extra", Input).value,
                self.query_one("#acquire-rate", Select).value,
                self.fields(),
                self.query_one("#acquire-condition", Select).value,
            )
            if len(config.signals) > self.capabilities.max_nb_signal:
                raise ValueError(f"the device logs at most {self.capabilities.max_nb_signal}")
        except (TypeError, ValueError) as exc:
            self.query_one("#acquire-error", Static).update(literal(f"Invalid: {exc}", "bold"))
            return
        self.dismiss(config)

    @on(Button.Pressed, "#acquire-cancel")
    def cancel(self) -> None:
        """Close without arming."""
        self.dismiss(None)
