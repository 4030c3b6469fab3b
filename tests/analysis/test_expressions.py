"""Math-channel expressions: parsing, hostile input, and values against numpy references."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from perda_tui.analysis.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionError,
    evaluate,
    missing,
    parse,
)
from perda_tui.logs import Log, Signal
from tests.analysis.generated import make_log


@pytest.fixture(scope="module")
def log() -> Log:
    return make_log()


def reference(log: Log, *names: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """The union timeline and each signal interpolated on it (np.union1d + np.interp)."""
    timeline = log[names[0]].timestamps
    for name in names[1:]:
        timeline = np.union1d(timeline, log[name].timestamps)
    return timeline, [np.interp(timeline, log[n].timestamps, log[n].values) for n in names]


def test_names_in_order_of_first_use() -> None:
    expr = parse("b * a + max(b, `c d`, 2)")
    assert expr.names == ("b", "a", "c d")


def test_precedence_as_in_python(log: Log) -> None:
    result = evaluate("-car.speed ** 2 / 4 + 3 * 2 - 1", log)
    v = log["car.speed"].values
    np.testing.assert_allclose(result.values, -(v**2) / 4 + 3 * 2 - 1)


def test_two_signals_aligned_like_signal_arithmetic(log: Log) -> None:
    result = evaluate("car.speed * motor.torque / 9.5488", log, "power")
    timeline, (speed, torque) = reference(log, "car.speed", "motor.torque")
    np.testing.assert_array_equal(result.timestamps, timeline)
    np.testing.assert_allclose(result.values, speed * torque / 9.5488)
    assert result.name == "power" and result.time_unit == "us"
    engine = log["car.speed"] + log["motor.torque"]  # the engine's own rule
    np.testing.assert_allclose(evaluate("car.speed + motor.torque", log).values, engine.values)


def test_comparisons_logic_and_where(log: Log) -> None:
    result = evaluate("where(car.speed > 45 and not motor.torque < 0, 1, -1)", log)
    _, (speed, torque) = reference(log, "car.speed", "motor.torque")
    np.testing.assert_array_equal(result.values, np.where((speed > 45) & ~(torque < 0), 1, -1))
    flags = evaluate("car.speed >= 45 or car.speed == 30", log).values
    assert set(np.unique(flags)) <= {0.0, 1.0}


def test_elementwise_functions(log: Log) -> None:
    result = evaluate("clip(abs(motor.torque), 10, 80) + sqrt(exp(log(car.speed)))", log)
    _, (torque, speed) = reference(log, "motor.torque", "car.speed")
    np.testing.assert_allclose(result.values, np.clip(np.abs(torque), 10, 80) + np.sqrt(speed))
    both = evaluate("min(car.speed, motor.torque, 20) - max(car.speed, temp)", log).values
    _, (s, q, tp) = reference(log, "car.speed", "motor.torque", "temp")
    np.testing.assert_allclose(both, np.minimum(np.minimum(s, q), 20) - np.maximum(s, tp))


def test_deriv_and_integ_per_second(log: Log) -> None:
    signal = log["car.speed"]
    t = (signal.timestamps - signal.timestamps[0]) * 1e-6
    deriv = evaluate("deriv(car.speed)", log).values
    np.testing.assert_allclose(deriv, np.gradient(signal.values, t))
    # speed = 40 + 10 sin(t): the derivative is 10 cos(t), away from the ends
    np.testing.assert_allclose(deriv[5:-5], 10 * np.cos(signal.timestamps[5:-5] * 1e-6), atol=0.05)
    integ = evaluate("integ(car.speed)", log).values
    steps = (signal.values[1:] + signal.values[:-1]) / 2 * np.diff(t)
    np.testing.assert_allclose(integ, np.concatenate(([0.0], np.cumsum(steps))))


def test_mavg_is_the_mean_of_the_trailing_window(log: Log) -> None:
    signal = log["motor.torque"]
    t = (signal.timestamps - signal.timestamps[0]) * 1e-6
    result = evaluate("mavg(motor.torque, 0.5)", log).values
    expected = [signal.values[(t > ti - 0.5) & (t <= ti)].mean() for ti in t]
    np.testing.assert_allclose(result, expected)


def test_extreme_windows_stay_finite(log: Log) -> None:
    speed = log["car.speed"].values
    np.testing.assert_allclose(evaluate("mavg(car.speed, 1e-300)", log).values, speed)
    np.testing.assert_allclose(
        evaluate("mavg(car.speed, 1e300)", log).values,
        np.cumsum(speed) / np.arange(1, speed.size + 1),
    )
    assert np.isfinite(evaluate("lowpass(car.speed, 1e300)", log).values).all()
    assert np.isfinite(evaluate("delay(car.speed, -1e300)", log).values).all()


def test_lowpass_is_a_first_order_filter_over_sample_times(log: Log) -> None:
    signal = log["car.speed"]
    t = (signal.timestamps - signal.timestamps[0]) * 1e-6
    result = evaluate("lowpass(car.speed, 2)", log).values
    tau = 1 / (2 * math.pi * 2)
    numerator = denominator = 0.0
    expected = []
    for i, value in enumerate(signal.values):
        decay = math.exp(-(t[i] - t[i - 1]) / tau) if i else 0.0
        numerator = numerator * decay + value
        denominator = denominator * decay + 1
        expected.append(numerator / denominator)
    np.testing.assert_allclose(result, expected, rtol=1e-6)


def test_lowpass_attenuates_a_fast_sine() -> None:
    t = np.arange(0, 200_000) * 1_000  # 1 kHz for 200 s, µs
    fast = Signal(t, np.sin(2 * np.pi * 50 * t * 1e-6), "fast")
    filtered = evaluate("lowpass(fast, 1)", Log([fast])).values[1000:]
    assert 0.01 < filtered.std() / fast.values.std() < 0.03  # |H(50 Hz)| = 1/sqrt(1 + 50²)


def test_delay_shifts_in_time(log: Log) -> None:
    signal = log["temp"]
    result = evaluate("delay(temp, 1.5)", log).values
    t = signal.timestamps.astype(float)
    np.testing.assert_allclose(result, np.interp(t - 1.5e6, t, signal.values))


def test_division_by_a_zero_signal_gives_inf_not_an_error() -> None:
    zero = Signal([0, 1, 2], [0.0, 1.0, 0.0], "z")
    values = evaluate("1 / z", Log([zero])).values
    assert math.isinf(values[0]) and values[1] == 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('true')", 'unexpected "\'"'),
        ("__import__(x)", "unknown function __import__()"),
        ("car.speed.__class__", "not in this log: car.speed.__class__"),
        ("().__class__", "unexpected '.' at position 3"),
        ("()", "expected a number, a signal name or '(' at position 2, found ')'"),
        ("car.speed[0]", "unexpected '['"),
        ("lambda: 1", "unexpected ':'"),
        ("9**9**9", "9**9**9: out of range"),
        ("car.speed * 9**9**9", "9**9**9: out of range"),
        ("1e999 * car.speed", "number 1e999 is out of range"),
        ("1/0 + car.speed", "1/0: division by zero"),
        ("sqrt(-1) * car.speed", "sqrt(-1): undefined"),
        ("2 + 3", "reads no signal"),
        ("", "empty expression"),
        ("car.speed +", "expected a number, a signal name or '(' at position 12, found the end"),
        ("(car.speed", "expected ')'"),
        ("a < b < c", "comparisons cannot be chained"),
        ("mavg(car.speed, temp)", "seconds must be a number, not temp"),
        ("lowpass(car.speed, -1)", "hz must be above 0"),
        ("deriv(3)", "deriv() needs a signal"),
        ("lowpass(car.speed, 1e-300)", "hz must be at least 1e-06"),
        ("clip(car.speed, 1)", "takes 3 arguments, not 2"),
        ("nosuch + car.speed", "not in this log: nosuch"),
        ("car.speed\x00", "unexpected character U+0000"),
    ],
)
def test_bad_and_hostile_input_is_a_one_line_error(log: Log, text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate(text, log)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_huge_and_deep_input_is_refused_quickly(log: Log) -> None:
    cases = {
        "car.speed + " * 100_000 + "1": f"at most {MAX_LENGTH:,}",  # ~1.2 MB
        "(" * 200 + "car.speed" + ")" * 200: f"more than {MAX_DEPTH} levels",
        "-" * 5000 + "car.speed": f"more than {MAX_DEPTH} levels",
        "not " * 2000 + "car.speed": f"more than {MAX_DEPTH} levels",
        "car.speed+" * 300 + "car.speed": "more than 200 operators in a row",
        "max(a, " + "1, " * 2000 + "1)": "more than 2000 parts",
        "max(" * 100 + "car.speed" + ", 1)" * 100: f"more than {MAX_DEPTH} levels",
    }
    for text, message in cases.items():
        started = time.process_time()
        with pytest.raises(ExpressionError, match=message.replace("(", r"\(")):
            parse(text)
        assert time.process_time() - started < 1.0, text[:20]


def test_many_signals_are_refused() -> None:
    text = " + ".join(f"s{i}" for i in range(17))
    with pytest.raises(ExpressionError, match="reads 17 signals"):
        parse(text)


def test_missing_lists_absent_inputs(log: Log) -> None:
    assert missing("car.speed * wheel.fl + wheel.fr", log) == ["wheel.fl", "wheel.fr"]
    assert missing(parse("car.speed"), log) == []


def test_signal_without_samples_is_an_error() -> None:
    log = Log([Signal([], [], "empty"), Signal([1], [2.0], "one")])
    with pytest.raises(ExpressionError, match="no samples in this log: empty"):
        evaluate("empty + one", log)


@pytest.mark.parametrize("common", [0, 1, 7], ids=["disjoint", "one-common", "many-common"])
def test_two_timelines_align_bit_for_bit_like_the_union_and_interp(
    common: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Aligned in blocks (of 5 samples here, on threads), with or without common
    timestamps: exactly np.union1d + np.interp, infinities and NaN included."""
    monkeypatch.setattr("perda_tui.analysis.timeline.BLOCK", 5)
    rng = np.random.default_rng(common)
    ta = np.sort(rng.choice(500, 60, replace=False)) * 2  # even
    tb = np.sort(rng.choice(500, 45, replace=False)) * 2 + 1  # odd: no common timestamp ...
    # ... but `common` of them
    tb = np.unique(np.concatenate([tb[common:], ta[rng.choice(60, common, replace=False)]]))
    assert np.intersect1d(ta, tb).size == common
    va, vb = rng.normal(size=ta.size), rng.normal(size=tb.size)
    va[[3, 4]], vb[7] = [np.inf, np.inf], np.nan
    log = Log([Signal(ta, va, "a"), Signal(tb, vb, "b"), Signal(ta, -va, "c")])
    result = evaluate("a * b + c", log)
    timeline, (a, b, c) = reference(log, "a", "b", "c")
    np.testing.assert_array_equal(result.timestamps, timeline)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(result.values, a * b + c)
