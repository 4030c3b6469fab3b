"""A fixed, in-process listing for snapshots, benchmarks and UI tests that need no server."""

from __future__ import annotations

import threading
from pathlib import Path

from perda_tui.clients.dataserver import LogEntry

FULL = LogEntry(
    key="REV 11/endurance.csv",
    name="endurance.csv",
    is_folder=False,
    size=5_242_880,
    last_modified="2026-04-01T18:22:05Z",
    title="Endurance",
    description="Full endurance run at the spring test day, dry track, 22 laps. "
    "Driver change at lap 11; [bold]markup[/bold] in text stays literal.",
    tags=["endurance", "dry"],
    string_metadata={"driver": "AB", "track": "Pitt Race"},
    numeric_metadata={"laps": 22, "max_speed_kph": 97.5, "energy_kwh": 5.8},
)
BARE = LogEntry(
    key="REV 11/skidpad.csv",
    name="skidpad.csv",
    is_folder=False,
    size=48_213,
    last_modified="2026-03-28T09:01:44Z",
)
LISTINGS: dict[str, list[LogEntry]] = {
    "": [
        LogEntry(key="REV 10/", name="REV 10", is_folder=True),
        LogEntry(key="REV 11/", name="REV 11", is_folder=True),
    ],
    "REV 10/": [],
    "REV 11/": [
        BARE,
        FULL,
        LogEntry(key="REV 11/2026-04-01/", name="2026-04-01", is_folder=True),
        LogEntry(
            key="REV 11/accel.csv",
            name="accel.csv",
            is_folder=False,
            size=1_250_000,
            last_modified="2026-04-02T11:15:00Z",
            title="Acceleration",
            tags=["accel"],
            string_metadata={"driver": "CD"},
        ),
    ],
}
CACHED = frozenset({"REV 11/accel.csv"})


def synthetic_entries(count: int) -> list[LogEntry]:
    """`count` files with titles and tags, for large-listing tests and benchmarks."""
    tags = (["endurance", "dry"], ["accel"], ["skidpad", "wet"], [])
    return [
        LogEntry(
            key=f"BIG/run_{i:05d}.csv",
            name=f"run_{i:05d}.csv",
            is_folder=False,
            size=1_000 + 7_919 * i,
            last_modified=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T12:00:00Z",
            title=f"Test run {i}",
            tags=tags[i % len(tags)],
        )
        for i in range(count)
    ]


class FixedSource:
    """`LISTINGS` (or any mapping) as a log source; `fetch` waits until cancelled."""

    offline = False

    def __init__(self, listings: dict[str, list[LogEntry]] | None = None) -> None:
        self.listings = LISTINGS if listings is None else listings
        self.fetching = threading.Event()

    def list_logs(self, prefix: str) -> list[LogEntry]:
        return list(self.listings[prefix])

    def is_cached(self, key: str) -> bool:
        return key in CACHED

    def cached_keys(self, prefix: str) -> frozenset[str]:
        return CACHED

    def fetch(self, key: str, progress: object, cancel: threading.Event) -> Path:
        from perda_tui.clients.dataserver import DownloadCancelledError

        self.fetching.set()
        cancel.wait(30)
        raise DownloadCancelledError(key)


class HeldListing(FixedSource):
    """`FixedSource` whose listing of `held` waits until `release` is set (`asked` is set
    when it is requested): a folder that is still loading."""

    def __init__(self, held: str, listings: dict[str, list[LogEntry]] | None = None) -> None:
        super().__init__(listings)
        self.held = held
        self.asked = threading.Event()
        self.release = threading.Event()

    def list_logs(self, prefix: str) -> list[LogEntry]:
        if prefix == self.held:
            self.asked.set()
            self.release.wait(60)
        return super().list_logs(prefix)
