"""Fuzzy search over signal names and descriptions (rapidfuzz, imported on first use)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from perda_tui.logs.signal import Signal

CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
SEPARATORS = re.compile(r"[._\-/:()\[\],]+")
SUBSTRING_BONUS = 50.0  # the query appears verbatim in the name: rank it first
MIN_SCORE = 50.0  # weaker matches are noise


def words(name: str) -> str:
    """`pcm.wheelSpeeds.frontRight` → `pcm wheel speeds front right`."""
    return " ".join(SEPARATORS.sub(" ", CAMEL.sub(" ", name)).lower().split())


def search_signals(signals: Iterable[Signal], query: str, top_n: int = 10) -> list[Signal]:
    """Signals ranked by how well `query` matches their name or description, best first.

    Names are split into words (`pcm.wheelSpeeds.frontRight` → pcm wheel speeds front
    right); the score is mostly the best token-set ratio against the name words or the
    description, plus some partial ratio so that word fragments count. Ties keep log order.
    """
    from rapidfuzz import fuzz

    query_words = words(query)
    if not query_words:
        return []
    needle = query.strip().lower()
    scored = []
    for order, signal in enumerate(signals):
        name_words, description = words(signal.name), words(signal.description)
        score = max(
            fuzz.token_set_ratio(query_words, name_words),
            fuzz.token_set_ratio(query_words, description) if description else 0.0,
        )
        score = 0.8 * score + 0.2 * fuzz.partial_ratio(query_words, f"{name_words} {description}")
        if needle in signal.name.lower():
            score += SUBSTRING_BONUS
        scored.append((-score, order, signal))
    scored.sort(key=lambda item: item[:2])
    return [signal for score, _, signal in scored[:top_n] if -score >= MIN_SCORE]
