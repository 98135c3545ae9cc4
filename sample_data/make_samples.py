"""Regenerate the files in sample_data/ (deterministic: fixed seeds).

    python sample_data/make_samples.py

binary.csv / binary.parquet: 4,000 events of a signal/background classifier, the kind a
physicist gets from a boosted-decision-tree or neural-network selection: ``y_true`` (1 = signal),
``y_score`` (the classifier's probability of signal), ``weight`` (per-event weight: cross-section ×
luminosity / generated events, a few negative as from NLO generators), ``process`` (the sample).

multiclass.csv / multiclass.parquet: 3,000 tracks of particle identification: ``species`` (e, mu,
pi, K), the classifier's probabilities ``p_e, p_mu, p_pi, p_K`` (rows sum to 1) and its
``predicted`` label.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def binary(rng: np.random.Generator, n: int = 4000) -> dict[str, np.ndarray]:
    n_sig = int(n * 0.3)
    y = np.r_[np.ones(n_sig, np.int64), np.zeros(n - n_sig, np.int64)]
    # A discriminant with overlapping class distributions, squashed to a probability.
    logit = np.where(y == 1, rng.normal(1.4, 1.1, n), rng.normal(-1.3, 1.2, n))
    score = np.round(1.0 / (1.0 + np.exp(-logit)), 6)
    process = np.where(y == 1, "ttH", rng.choice(["ttbar", "ttZ", "ttW"], n, p=[0.8, 0.1, 0.1]))
    weight = np.where(y == 1, 0.012, np.where(process == "ttbar", 0.35, 0.05))
    weight = weight * np.where(rng.random(n) < 0.03, -1.0, 1.0)  # NLO negative-weight events
    order = rng.permutation(n)
    return {"y_true": y[order], "y_score": score[order], "weight": np.round(weight[order], 6), "process": process[order]}


def multiclass(rng: np.random.Generator, n: int = 3000) -> dict[str, np.ndarray]:
    """Particle identification: true species and a softmax classifier's four probabilities."""
    species = np.array(["e", "mu", "pi", "K"])
    truth = rng.choice(4, n, p=[0.2, 0.2, 0.45, 0.15])
    logits = rng.normal(0.0, 1.0, (n, 4))
    logits[np.arange(n), truth] += np.array([3.0, 3.2, 1.6, 1.0])[truth]  # pi/K overlap more
    logits[:, 3] += 0.6 * logits[:, 2]  # kaons look like pions
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p = np.round(p, 6)
    p[:, 0] = np.round(1.0 - p[:, 1:].sum(axis=1), 6)  # rows sum to 1 exactly after rounding
    out = {"species": species[truth]}
    for k, name in enumerate(species):
        out[f"p_{name}"] = p[:, k]
    out["predicted"] = species[np.argmax(p, axis=1)]
    return out


def write(name: str, columns: dict[str, np.ndarray], parquet: bool = True) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    table = pa.table(columns)
    pacsv.write_csv(table, HERE / f"{name}.csv")
    if parquet:
        pq.write_table(table, HERE / f"{name}.parquet")


def main() -> None:
    write("binary", binary(np.random.default_rng(20261125)))
    write("multiclass", multiclass(np.random.default_rng(4)))


if __name__ == "__main__":
    main()
