"""Hand computations straight from ``published_scores.csv`` rows (no govindex code)."""

from __future__ import annotations


def published(rows: list[dict[str, str]], year: int, dimension: str) -> dict[str, float]:
    """Province → published score of ``dimension`` (``total``, ``participation``...) in ``year``."""
    return {
        row["province"]: float(row["score"])
        for row in rows
        if row["year"] == str(year) and row["dimension"] == dimension and row["score"]
    }


def rank_of(scores: dict[str, float], province: str) -> int:
    """1 + the number of provinces with a strictly higher score."""
    return 1 + sum(1 for value in scores.values() if value > scores[province])


def mean(scores: dict[str, float]) -> float:
    return sum(scores.values()) / len(scores)
