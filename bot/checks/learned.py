"""The learned layer: a sentence-level linear model beside the rule packs.

Why: rule lexicons written from a few hundred examples mostly fix those examples, while
a model trained on independently written slices generalises to new wordings. It judges
each unit (a sentence or line the model wrote, see :mod:`bot.checks.units`) on its own and
a text gets the score of its strongest unit, so one sentence in a long log still counts,
and the unit that scored is the evidence shown to people.

The model is per-category logistic regression over sparse string features
(:mod:`bot.checks.unit_features`), trained offline by :mod:`bot.checks.train_model` and
shipped as ``sentence_model.npz`` beside this file. Each category has thresholds chosen
on held-out slices (:class:`Thresholds`): ``confident`` (suggested and preselected),
``possible`` (backs a rule) and ``offered`` (offered alone, not preselected). Inference
needs numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).resolve().parent / "sentence_model.npz"
FORMAT = 1


@dataclass(frozen=True)
class Thresholds:
    """Per category: the score needed to suggest it (``confident``), the score at which
    the model backs a rule (``possible``), and the score at which the model alone offers
    it as possible (``offered``; the possible one where not set)."""

    confident: dict[str, float]
    possible: dict[str, float]
    offered: dict[str, float] = field(default_factory=dict)

    def offer(self, category: str) -> float:
        """The score at which the model alone offers ``category`` as possible."""
        return self.offered.get(category, self.possible[category])


class SentenceModel:
    """Per-category logistic regression over the features of one unit."""

    def __init__(
        self,
        categories: Sequence[str],
        vocabulary: Sequence[str],
        weights: np.ndarray,
        bias: np.ndarray,
        thresholds: Thresholds,
    ) -> None:
        self.categories = list(categories)
        self.thresholds = thresholds
        self._index = {feature: i for i, feature in enumerate(vocabulary)}
        self._vocabulary = list(vocabulary)
        # One zero row after the vocabulary: every unit sums it first, so a unit with no
        # known feature still gets a row from ``np.add.reduceat``.
        padded = np.zeros((len(vocabulary) + 1, len(self.categories)), dtype=np.float32)
        padded[: len(vocabulary)] = weights
        self._weights = padded
        self._bias = np.asarray(bias, dtype=np.float32)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> SentenceModel | None:
        """The shipped model, or None when the file is missing or malformed."""
        try:
            with np.load(path, allow_pickle=False) as data:
                if int(data["format"]) != FORMAT:
                    return None
                categories = str(data["categories"]).split("\n")
                vocabulary = str(data["vocabulary"]).split("\n")
                weights = data["weights"].astype(np.float32)
                bias = data["bias"].astype(np.float32)
                confident = data["confident"].astype(float)
                possible = data["possible"].astype(float)
                offered = data["offered"].astype(float) if "offered" in data else possible
        except (OSError, ValueError, KeyError):
            return None
        if weights.shape != (len(vocabulary), len(categories)) or len(bias) != len(categories):
            return None
        thresholds = Thresholds(
            dict(zip(categories, confident.tolist(), strict=True)),
            dict(zip(categories, possible.tolist(), strict=True)),
            dict(zip(categories, offered.tolist(), strict=True)),
        )
        return cls(categories, vocabulary, weights, bias, thresholds)

    def save(self, path: Path = MODEL_PATH) -> None:
        """Write the model as a compressed numpy archive."""
        np.savez_compressed(
            path,
            format=np.int64(FORMAT),
            categories=np.str_("\n".join(self.categories)),
            vocabulary=np.str_("\n".join(self._vocabulary)),
            weights=self._weights[:-1].astype(np.float16),
            bias=self._bias,
            confident=np.array([self.thresholds.confident[c] for c in self.categories]),
            possible=np.array([self.thresholds.possible[c] for c in self.categories]),
            offered=np.array([self.thresholds.offer(c) for c in self.categories]),
        )

    @property
    def vocabulary(self) -> list[str]:
        """The feature names, in weight-row order."""
        return self._vocabulary

    @property
    def weights(self) -> np.ndarray:
        """One row of per-category weights per feature."""
        return self._weights[:-1]

    @property
    def bias(self) -> np.ndarray:
        """Per-category bias."""
        return self._bias

    def feature_id(self, feature: str) -> int | None:
        """The weight row of ``feature``, None when the model does not know it."""
        return self._index.get(feature)

    def unit_scores(self, units: Sequence[Sequence[str]]) -> np.ndarray:
        """Probability per unit (rows) and category (columns)."""
        get = self._index.get
        return self.row_scores(
            [[i for i in map(get, features) if i is not None] for features in units]
        )

    def row_scores(self, rows: Sequence[Sequence[int]]) -> np.ndarray:
        """:meth:`unit_scores` given each unit's known feature ids (:meth:`feature_id`)."""
        if not rows:
            return np.zeros((0, len(self.categories)), dtype=np.float32)
        sentinel = len(self._vocabulary)
        indices: list[int] = []
        starts: list[int] = []
        for row in rows:
            starts.append(len(indices))
            # Every unit sums the zero row first, so a unit with no known feature still
            # gets a row from ``np.add.reduceat``.
            indices.append(sentinel)
            indices.extend(row)
        summed = np.add.reduceat(self._weights[np.asarray(indices)], np.asarray(starts), axis=0)
        known = np.asarray([len(row) for row in rows], dtype=np.float32)
        logits = summed / np.sqrt(np.maximum(known, 1.0))[:, None] + self._bias
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30.0, 30.0)))
