"""The one policy for undefined values, shared by every kernel."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


def pow2_scale(*arrays) -> float:
    """A power of two near the largest |value| of ``arrays`` (1.0 when all are 0 or empty).

    Dividing weights or weighted counts by it is exact (only the exponent changes) and brings
    them to [1, 2): products such as P·N or the four margins of the MCC then neither
    underflow (weights of 1e-170) nor overflow (weights of 1e160). Ratios are unchanged.

    >>> pow2_scale(np.array([3.0, -5.0])), pow2_scale(np.zeros(2))
    (4.0, 1.0)
    """
    # max(max, -min): the largest |value| without an |a| copy of the array
    m = max((max(float(np.max(a)), -float(np.min(a))) if np.size(a) else 0.0) for a in arrays) if arrays else 0.0
    if not (m > 0 and math.isfinite(m)):
        return 1.0
    return math.ldexp(1.0, math.frexp(m)[1] - 1)  # 2^e ≤ m < 2^(e+1); 2^1024 would overflow


@dataclass
class MetricSet:
    """Metric values plus the reason for each undefined one.

    ``values[name]`` is a float; NaN means undefined and ``reasons[name]`` says why.
    ``notes`` carries other observations for the report's warnings list (e.g. an
    ill-conditioned covariance).
    """

    values: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def set(self, name: str, value: float, reason: str | None = None) -> None:
        """Store ``value``; when it is NaN (or infinite), record ``reason``."""
        value = float(value)
        self.values[name] = value
        if not np.isfinite(value):
            self.reasons[name] = reason or "undefined on this data"

    def update(self, other: "MetricSet") -> None:
        self.values.update(other.values)
        self.reasons.update(other.reasons)
        self.notes.extend(other.notes)
