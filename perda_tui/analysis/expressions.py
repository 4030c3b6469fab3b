"""Math-channel expressions: a small parser and a numpy evaluator (never Python `eval`).

Grammar, loosest binding first (as in Python):
`or`, `and`, `not`, comparisons (`< <= > >= == !=`, not chained), `+ -`, `* /`, unary
`- +`, `**` (right-associative), then numbers, signal names and function calls. A name is
dotted as in the log (`pcm.wheelSpeeds.frontLeft`, `undeclared.7`); any other name is
written between backticks (`` `a name [V]` ``). Truth is "not zero"; comparisons and
`and/or/not` give 1.0 or 0.0.

Functions: `abs sqrt log exp` (elementwise; `log` is natural), `min(a, b, ...)`,
`max(a, b, ...)` (elementwise), `clip(x, lo, hi)`, `where(cond, a, b)`, and over time
(seconds): `deriv(x)` (per second, central differences), `integ(x)` (cumulative
trapezoid, per second, 0 at the first sample), `mavg(x, seconds)` (mean of the samples
in the trailing window (t - seconds, t]), `lowpass(x, hz)` (first-order low-pass:
exponential mean with time constant 1/(2 pi hz) over the actual sample times),
`delay(x, seconds)` (the value of x `seconds` earlier).

All signals of an expression are aligned on the union of their timestamps, linearly
interpolated between samples and held flat outside their range: the rule of the log
engine's `Signal` arithmetic (`timeline`). Division by zero gives inf/NaN samples, as in
`Signal` arithmetic; a constant part that overflows is an error.

Hostile input is bounded: text length, nesting depth, node count and the number of
signals read are limited, and every failure is an `ExpressionError` with a one-line
message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from perda_tui.analysis.timeline import Aligned, align

if TYPE_CHECKING:
    from perda_tui.logs import Log, Signal

#: Longest expression accepted (characters).
MAX_LENGTH = 10_000
#: Deepest nesting of parentheses, calls and operators.
MAX_DEPTH = 64
#: Most numbers, names, operators and calls in one expression.
MAX_NODES = 2_000
#: Most operators and calls on the way from the whole expression to a number or name
#: (`a + b + ... + z` is as high as it has terms).
MAX_HEIGHT = 200
#: Most distinct signals one expression may read.
MAX_SIGNALS = 16
#: Most samples of a channel's timeline (bounds memory: the union of its signals).
MAX_SAMPLES = 200_000_000
#: Lowest cut-off of `lowpass` (a time constant of about two days).
MIN_LOWPASS_HZ = 1e-6
#: What a part of an expression evaluates to: a constant or values on the timeline.
Value = np.ndarray | np.float64


class ExpressionError(ValueError):
    """An expression that cannot be parsed or evaluated; the message is one line."""


# --------------------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Node:
    """A part of the expression and where it is in the text (`start`, `end`)."""

    start: int
    end: int


@dataclass(frozen=True)
class Number(Node):
    value: float


@dataclass(frozen=True)
class Name(Node):
    name: str


@dataclass(frozen=True)
class Unary(Node):
    op: str
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call(Node):
    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its text, syntax tree and the signals it reads (`names`, in
    order of first use)."""

    text: str
    root: Node
    names: tuple[str, ...]

    def __str__(self) -> str:
        return self.text


# --------------------------------------------------------------------------- functions


@dataclass(frozen=True)
class _Function:
    """A function's arity, which trailing arguments must be numbers, and whether its first
    argument must read a signal (functions over time)."""

    min_args: int
    max_args: int
    params: str
    number_args: tuple[int, ...] = ()
    over_time: bool = False


FUNCTIONS: dict[str, _Function] = {
    "abs": _Function(1, 1, "x"),
    "sqrt": _Function(1, 1, "x"),
    "log": _Function(1, 1, "x"),
    "exp": _Function(1, 1, "x"),
    "min": _Function(2, MAX_NODES, "a, b, ..."),
    "max": _Function(2, MAX_NODES, "a, b, ..."),
    "clip": _Function(3, 3, "x, lo, hi"),
    "where": _Function(3, 3, "cond, a, b"),
    "deriv": _Function(1, 1, "x", over_time=True),
    "integ": _Function(1, 1, "x", over_time=True),
    "mavg": _Function(2, 2, "x, seconds", (1,), over_time=True),
    "lowpass": _Function(2, 2, "x, hz", (1,), over_time=True),
    "delay": _Function(2, 2, "x, seconds", (1,), over_time=True),
}
KEYWORDS = ("and", "or", "not")

# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)
  | `(?P<quoted>[^`\n]{1,500})`
  | (?P<op>\*\*|<=|>=|==|!=|[-+*/<>(),])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "quoted", "op", "end"
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    tokens, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise ExpressionError(f"unexpected {_shown(text[at])} at position {at + 1}")
        kind = match.lastgroup or ""
        if kind != "space":
            value = match.group("quoted") if kind == "quoted" else match.group()
            tokens.append(_Token(kind, value, match.start(), match.end()))
        at = match.end()
    tokens.append(_Token("end", "", len(text), len(text)))
    return tokens


def _shown(char: str) -> str:
    """A character for a message: printable ones quoted, others as a code point."""
    return repr(char) if char.isprintable() else f"character U+{ord(char):04X}"


# --------------------------------------------------------------------------- parser


class _Parser:
    """Recursive descent over the tokens, with depth and size bounds."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0
        self.nodes = 0
        self.heights: dict[int, int] = {}

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def accept(self, *ops: str) -> _Token | None:
        token = self.token
        if token.kind in ("op", "name") and token.text in ops:
            return self.take()
        return None

    def fail(self, what: str, token: _Token | None = None) -> ExpressionError:
        token = token or self.token
        found = "the end" if token.kind == "end" else f"{token.text!r}"
        return ExpressionError(f"{what} at position {token.start + 1}, found {found}")

    def node(self, node: Node, *children: Node) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionError(f"expression too large: more than {MAX_NODES} parts")
        height = 1 + max((self.heights[id(child)] for child in children), default=0)
        if height > MAX_HEIGHT:
            raise ExpressionError(
                f"expression too high: more than {MAX_HEIGHT} operators in a row "
                "(split it into channels)"
            )
        self.heights[id(node)] = height
        return node

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"expression nested too deeply (more than {MAX_DEPTH} levels)")

    def parse(self) -> Node:
        root = self.expression()
        if self.token.kind != "end":
            raise self.fail("expected an operator or the end")
        return root

    def expression(self) -> Node:
        self.enter()
        try:
            return self.disjunction()
        finally:
            self.depth -= 1

    def disjunction(self) -> Node:
        node = self.conjunction()
        while self.accept("or"):
            node = self.binary("or", node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.negation()
        while self.accept("and"):
            node = self.binary("and", node, self.negation())
        return node

    def negation(self) -> Node:
        token = self.accept("not")
        if token is None:
            return self.comparison()
        self.enter()
        try:
            operand = self.negation()
        finally:
            self.depth -= 1
        return self.node(Unary(token.start, operand.end, "not", operand), operand)

    def comparison(self) -> Node:
        node = self.sum()
        token = self.accept("<", "<=", ">", ">=", "==", "!=")
        if token is None:
            return node
        node = self.binary(token.text, node, self.sum())
        if self.accept("<", "<=", ">", ">=", "==", "!="):
            raise self.fail("comparisons cannot be chained (join them with and)", token)
        return node

    def sum(self) -> Node:
        node = self.term()
        while (token := self.accept("+", "-")) is not None:
            node = self.binary(token.text, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while (token := self.accept("*", "/")) is not None:
            node = self.binary(token.text, node, self.unary())
        return node

    def unary(self) -> Node:
        token = self.accept("-", "+")
        if token is None:
            return self.power()
        self.enter()
        try:
            operand = self.unary()
        finally:
            self.depth -= 1
        return self.node(Unary(token.start, operand.end, token.text, operand), operand)

    def power(self) -> Node:
        base = self.atom()
        if self.accept("**") is None:
            return base
        self.enter()
        try:
            exponent = self.unary()
        finally:
            self.depth -= 1
        return self.binary("**", base, exponent)

    def atom(self) -> Node:
        token = self.token
        if token.kind == "number":
            self.take()
            value = float(token.text)
            if not math.isfinite(value):
                raise ExpressionError(f"number {token.text[:40]} is out of range")
            return self.node(Number(token.start, token.end, value))
        if token.kind == "quoted":
            self.take()
            return self.node(Name(token.start, token.end, token.text))
        if token.kind == "name" and token.text not in KEYWORDS:
            self.take()
            if self.accept("("):
                return self.call(token)
            return self.node(Name(token.start, token.end, token.text))
        if self.accept("("):
            inner = self.expression()
            close = self.accept(")")
            if close is None:
                raise self.fail("expected ')'")
            return inner
        raise self.fail("expected a number, a signal name or '('")

    def call(self, name: _Token) -> Node:
        function = FUNCTIONS.get(name.text)
        if function is None:
            known = ", ".join(FUNCTIONS)
            raise ExpressionError(f"unknown function {name.text[:60]}() (functions: {known})")
        args: list[Node] = []
        if self.accept(")") is None:
            args.append(self.expression())
            while self.accept(","):
                args.append(self.expression())
            if self.accept(")") is None:
                raise self.fail(f"expected ',' or ')' in {name.text}()")
        end = self.tokens[self.at - 1].end
        if not function.min_args <= len(args) <= function.max_args:
            raise ExpressionError(
                f"{name.text}({function.params}) takes {_arity(function)}, "
                f"not {len(args)} (position {name.start + 1})"
            )
        return self.node(Call(name.start, end, name.text, tuple(args)), *args)

    def binary(self, op: str, left: Node, right: Node) -> Node:
        return self.node(Binary(left.start, right.end, op, left, right), left, right)


def _arity(function: _Function) -> str:
    if function.min_args == function.max_args:
        count = function.min_args
        return f"{count} argument" + ("" if count == 1 else "s")
    return f"at least {function.min_args} arguments"


# --------------------------------------------------------------------------- checks


def _names(node: Node, found: dict[str, None]) -> None:
    if isinstance(node, Name):
        found.setdefault(node.name)
    elif isinstance(node, Unary):
        _names(node.operand, found)
    elif isinstance(node, Binary):
        _names(node.left, found)
        _names(node.right, found)
    elif isinstance(node, Call):
        for arg in node.args:
            _names(arg, found)


def _fold(node: Node, text: str) -> Node:
    """Constant parts computed once (an overflow or a division by zero there is an error);
    the arguments of functions over time checked."""
    if isinstance(node, Number | Name):
        return node
    if isinstance(node, Unary):
        node = Unary(node.start, node.end, node.op, _fold(node.operand, text))
        parts: tuple[Node, ...] = (node.operand,)
    elif isinstance(node, Binary):
        node = Binary(
            node.start, node.end, node.op, _fold(node.left, text), _fold(node.right, text)
        )
        parts = (node.left, node.right)
    else:
        assert isinstance(node, Call)
        node = Call(node.start, node.end, node.function, tuple(_fold(a, text) for a in node.args))
        _check_call(node, text)
        parts = node.args
        if FUNCTIONS[node.function].over_time:
            return node
    numbers: list[Value] = [np.float64(p.value) for p in parts if isinstance(p, Number)]
    if len(numbers) < len(parts):
        return node
    snippet = _snippet(text, node)
    try:
        with np.errstate(all="raise"):
            value = float(_apply(node, numbers))
    except (FloatingPointError, OverflowError, ZeroDivisionError) as exc:
        raise ExpressionError(f"{snippet}: {_reason(exc)}") from None
    if not math.isfinite(value):
        raise ExpressionError(f"{snippet}: out of range")
    return Number(node.start, node.end, value)


def _check_call(call: Call, text: str) -> None:
    function = FUNCTIONS[call.function]
    params = [p.strip() for p in function.params.split(",")]
    for index in function.number_args:
        arg = call.args[index]
        if not isinstance(arg, Number):
            raise ExpressionError(
                f"{call.function}({function.params}): {params[index]} must be a number, "
                f"not {_snippet(text, arg)}"
            )
        if call.function != "delay" and arg.value <= 0:
            raise ExpressionError(
                f"{call.function}({function.params}): {params[index]} must be above 0, "
                f"not {arg.value:g}"
            )
        if call.function == "lowpass" and arg.value < MIN_LOWPASS_HZ:
            raise ExpressionError(
                f"lowpass(x, hz): hz must be at least {MIN_LOWPASS_HZ:g}, not {arg.value:g}"
            )
    if function.over_time and isinstance(call.args[0], Number):
        raise ExpressionError(
            f"{call.function}() needs a signal, not the number {call.args[0].value:g}"
        )


def _reason(exc: Exception) -> str:
    text = str(exc).lower()
    if "divide" in text or "division" in text:
        return "division by zero"
    if "invalid" in text:
        return "undefined (e.g. sqrt or log of a negative number)"
    return "out of range"


def _snippet(text: str, node: Node, limit: int = 40) -> str:
    part = text[node.start : node.end]
    return part if len(part) <= limit else part[: limit - 1] + "…"


def parse(text: str) -> Expression:
    """Parse `text` into an `Expression`; `ExpressionError` (one line) when it is not one."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression too long: {len(text):,} characters (at most {MAX_LENGTH:,})"
        )
    if not text.strip():
        raise ExpressionError("empty expression")
    root = _fold(_Parser(text).parse(), text)
    found: dict[str, None] = {}
    _names(root, found)
    if not found:
        raise ExpressionError(f"{_snippet(text, root)} reads no signal: a channel needs one")
    if len(found) > MAX_SIGNALS:
        raise ExpressionError(f"expression reads {len(found)} signals (at most {MAX_SIGNALS})")
    return Expression(text.strip(), root, tuple(found))


# --------------------------------------------------------------------------- evaluation


def missing(expression: Expression | str, log: Log) -> list[str]:
    """The signals `expression` reads that `log` does not have."""
    expr = parse(expression) if isinstance(expression, str) else expression
    return [name for name in expr.names if name not in log]


def evaluate(expression: Expression | str, log: Log, name: str = "") -> Signal:
    """The expression over `log` as a `Signal` named `name` (default: the text).

    `ExpressionError` when it does not parse, reads signals the log lacks, or its
    signals have no samples.
    """
    from perda_tui.logs import Signal

    expr = parse(expression) if isinstance(expression, str) else expression
    absent = missing(expr, log)
    if absent:
        raise ExpressionError(f"not in this log: {', '.join(absent)}")
    signals = {n: log[n] for n in expr.names}
    empty = [n for n, s in signals.items() if len(s) == 0]
    if empty:
        raise ExpressionError(f"no samples in this log: {', '.join(empty)}")
    total = sum(len(s) for s in signals.values())
    if total > MAX_SAMPLES:
        raise ExpressionError(f"its signals hold {total:,} samples (at most {MAX_SAMPLES:,})")
    seconds = log.seconds_per_unit
    if _over_time(expr.root):  # needs whole signals: align them first
        timeline, values = align(list(signals.values()))
        context = _Context(dict(zip(signals, values, strict=True)), timeline, seconds)
        with np.errstate(all="ignore"):
            value = _evaluate(expr.root, context)
        if isinstance(value, np.ndarray) and value.shape == timeline.shape:
            result = value.astype(np.float64, copy=False)
        else:
            result = np.full(timeline.shape, value, dtype=np.float64)
    else:  # elementwise: a block at a time, small temporaries
        aligned = Aligned(list(signals.values()))

        def block(values: list[np.ndarray]) -> list[Value]:
            context = _Context(dict(zip(signals, values, strict=True)), aligned.timeline, seconds)
            with np.errstate(all="ignore"):  # per thread: blocks may run on several
                return [_evaluate(expr.root, context)]

        (result,) = aligned.fill(block, 1)
        timeline = aligned.timeline
    # the union is in time order: no need to check it again
    return Signal._from_sorted(
        timeline, result, name or expr.text, f"= {expr.text}", None, log.time_unit
    )


def _over_time(node: Node) -> bool:
    """Whether `node` calls a function over time (`deriv`, `mavg`, ...)."""
    if isinstance(node, Unary):
        return _over_time(node.operand)
    if isinstance(node, Binary):
        return _over_time(node.left) or _over_time(node.right)
    if isinstance(node, Call):
        return FUNCTIONS[node.function].over_time or any(_over_time(a) for a in node.args)
    return False


class _Context:
    """What evaluation needs: the timeline, each signal's values on it and the timeline
    in seconds from its first sample (computed on first use)."""

    def __init__(
        self, values: dict[str, np.ndarray], timeline: np.ndarray, seconds_per_unit: float
    ) -> None:
        self.timeline = timeline
        self.seconds_per_unit = seconds_per_unit
        self._values = values
        self._seconds: np.ndarray | None = None

    def values(self, name: str) -> np.ndarray:
        return self._values[name]

    @property
    def seconds(self) -> np.ndarray:
        if self._seconds is None:
            self._seconds = (self.timeline - self.timeline[0]) * self.seconds_per_unit
        return self._seconds


def _evaluate(node: Node, context: _Context) -> Value:
    if isinstance(node, Number):
        return np.float64(node.value)
    if isinstance(node, Name):
        return context.values(node.name)
    if isinstance(node, Unary):
        return _apply(node, [_evaluate(node.operand, context)])
    if isinstance(node, Binary):
        return _apply(node, [_evaluate(node.left, context), _evaluate(node.right, context)])
    assert isinstance(node, Call)
    args = [_evaluate(arg, context) for arg in node.args]
    if FUNCTIONS[node.function].over_time:
        x = np.broadcast_to(args[0], context.timeline.shape).astype(np.float64, copy=False)
        parameter = float(args[1]) if len(args) > 1 else 0.0
        return _OVER_TIME[node.function](x, context.seconds, parameter)
    return _apply(node, args)


def _truth(value: Value) -> Value:
    return np.not_equal(value, 0)


_OPERATORS: dict[str, Callable[[Value, Value], Value]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.true_divide,
    "**": np.power,
    "<": lambda a, b: np.less(a, b).astype(np.float64),
    "<=": lambda a, b: np.less_equal(a, b).astype(np.float64),
    ">": lambda a, b: np.greater(a, b).astype(np.float64),
    ">=": lambda a, b: np.greater_equal(a, b).astype(np.float64),
    "==": lambda a, b: np.equal(a, b).astype(np.float64),
    "!=": lambda a, b: np.not_equal(a, b).astype(np.float64),
    "and": lambda a, b: np.logical_and(_truth(a), _truth(b)).astype(np.float64),
    "or": lambda a, b: np.logical_or(_truth(a), _truth(b)).astype(np.float64),
}

_ELEMENTWISE: dict[str, Callable[[list[Value]], Value]] = {
    "abs": lambda a: np.abs(a[0]),
    "sqrt": lambda a: np.sqrt(a[0]),
    "log": lambda a: np.log(a[0]),
    "exp": lambda a: np.exp(a[0]),
    "min": lambda a: _reduce(np.minimum, a),
    "max": lambda a: _reduce(np.maximum, a),
    "clip": lambda a: np.minimum(np.maximum(a[0], a[1]), a[2]),
    "where": lambda a: np.where(_truth(a[0]), a[1], a[2]),
}


def _reduce(op: Callable[[Value, Value], Value], args: list[Value]) -> Value:
    result = args[0]
    for arg in args[1:]:
        result = op(result, arg)
    return result


def _apply(node: Node, args: list[Value]) -> Value:
    """Unary, binary and elementwise functions on numbers or arrays."""
    if isinstance(node, Unary):
        (x,) = args
        if node.op == "-":
            return np.negative(x)
        if node.op == "not":
            return np.logical_not(_truth(x)).astype(np.float64)
        return x
    if isinstance(node, Binary):
        return _OPERATORS[node.op](args[0], args[1])
    assert isinstance(node, Call)
    return _ELEMENTWISE[node.function](args)


def _deriv(x: np.ndarray, t: np.ndarray, _parameter: float) -> np.ndarray:
    if x.size < 2:
        return np.full(x.shape, np.nan)
    return np.gradient(x, t)


def _integ(x: np.ndarray, t: np.ndarray, _parameter: float) -> np.ndarray:
    out = np.empty(x.shape)
    if x.size:
        out[0] = 0.0
        np.cumsum((x[1:] + x[:-1]) * 0.5 * np.diff(t), out=out[1:])
    return out


def _mavg(x: np.ndarray, t: np.ndarray, window: float) -> np.ndarray:
    total = np.concatenate(([0.0], np.cumsum(x)))
    last = np.arange(1, x.size + 1)
    # the window always holds the sample itself, however short it is
    first = np.minimum(np.searchsorted(t, t - window, side="right"), last - 1)
    return (total[last] - total[first]) / (last - first)


def _lowpass(x: np.ndarray, t: np.ndarray, hz: float) -> np.ndarray:
    """Exponential mean with time constant 1/(2 pi hz) over the actual sample times
    (pandas' time-aware EWM: weights exp(-(t_i - t_j) / tau), normalised)."""
    import pandas as pd

    if x.size == 0:
        return x
    tau = 1.0 / (2 * math.pi * hz)
    times = pd.to_datetime(np.round(t * 1e9).astype(np.int64), unit="ns")
    halflife = pd.Timedelta(seconds=tau * math.log(2))
    return pd.Series(x).ewm(halflife=halflife, times=times).mean().to_numpy(dtype=np.float64)


def _delay(x: np.ndarray, t: np.ndarray, seconds: float) -> np.ndarray:
    return np.interp(t - seconds, t, x)


_OVER_TIME: dict[str, Callable[[np.ndarray, np.ndarray, float], np.ndarray]] = {
    "deriv": _deriv,
    "integ": _integ,
    "mavg": _mavg,
    "lowpass": _lowpass,
    "delay": _delay,
}
