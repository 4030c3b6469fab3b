"""What every benchmark module returns: rows of one table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchResult:
    """One measured figure, with its target and (where one exists) a same-run reference."""

    name: str
    value: float
    unit: str
    target: str
    ok: bool
    note: str = ""

    def cells(self) -> list[str]:
        """Table cells: figure, value, target, verdict, note."""
        value = f"{self.value:,.3g}" if abs(self.value) < 1000 else f"{self.value:,.0f}"
        return [
            self.name,
            f"{value} {self.unit}",
            self.target,
            "ok" if self.ok else "MISS",
            self.note,
        ]
