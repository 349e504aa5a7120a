"""A small gradient-boosted tree model (logistic loss) in numpy, for the FAQ answer decision.

The decision "does the best entry answer this question?" depends on its features in ways a
logistic model cannot follow (a high cosine means little when the two questions differ by a
swapped word; a small margin means little when the two best entries are duplicates), so the
semantic engine's decision model is a sum of shallow regression trees
(docs/faq-matching.md, "Decision model").

- Features are cut into at most ``bins`` quantile bins (the candidate thresholds).
- ``n_trees`` complete trees of ``depth`` levels are grown one after another on the gradient
  and hessian of the logistic loss (Newton leaves, L2 ``lam`` on the leaf values, a split needs
  ``min_hess`` of hessian on each side), each shrunk by ``lr``.
- Fitting is deterministic (no sampling): the same rows give the same model, so a refit from
  the same data is reproducible. Sample weights are supported (curators' examples).

A fitted model is plain arrays, stored as JSON (:meth:`Boosted.to_dict`); predicting one row
walks ``n_trees`` trees ``depth`` levels deep with a few numpy operations.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Boosted", "fit"]


@dataclass(frozen=True, eq=False)
class Boosted:
    """A fitted model: the split feature and threshold of every inner node of every tree
    (``(trees, 2**depth - 1)``; a node that does not split has an infinite threshold, so its
    rows all go left), the leaf values (``(trees, 2**depth)``) and the starting logit."""

    base: float
    feature: np.ndarray
    threshold: np.ndarray
    leaf: np.ndarray
    n_features: int

    @property
    def depth(self) -> int:
        return int(np.log2(self.leaf.shape[1]))

    def logit(self, x: np.ndarray) -> np.ndarray:
        """The model's logit of each row of *x* (``(rows, n_features)``; one row may be 1-d)."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        trees = np.arange(self.leaf.shape[0])[None, :]
        node = np.zeros((len(x), self.leaf.shape[0]), dtype=np.int64)
        for level in range(self.depth):
            inner = (1 << level) - 1 + node
            values = np.take_along_axis(x, self.feature[trees, inner], axis=1)
            node = node * 2 + (values >= self.threshold[trees, inner])
        return self.base + self.leaf[trees, node].sum(axis=1)

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.logit(x), -30.0, 30.0)))

    def to_dict(self) -> dict:
        """JSON-ready (infinite thresholds as None)."""
        thr = [[None if not np.isfinite(v) else round(float(v), 6) for v in row] for row in self.threshold]
        return {"kind": "boosted", "base": round(self.base, 6), "n_features": self.n_features,
                "feature": self.feature.tolist(), "threshold": thr,
                "leaf": [[round(float(v), 6) for v in row] for row in self.leaf]}

    @classmethod
    def from_dict(cls, data: dict) -> "Boosted":
        if data.get("kind") != "boosted":
            raise ValueError("not a boosted model")
        thr = np.array([[np.inf if v is None else float(v) for v in row] for row in data["threshold"]],
                       dtype=np.float64)
        leaf = np.array(data["leaf"], dtype=np.float64)
        feature = np.array(data["feature"], dtype=np.int64)
        n_features = int(data["n_features"])
        if (thr.shape != feature.shape or leaf.shape[0] != feature.shape[0]
                or leaf.shape[1] != feature.shape[1] + 1 or feature.size and feature.max() >= n_features):
            raise ValueError("inconsistent boosted model")
        for a in (thr, leaf, feature):
            a.flags.writeable = False
        return cls(float(data["base"]), feature, thr, leaf, n_features)


def _edges(x: np.ndarray, bins: int) -> list[np.ndarray]:
    qs = np.linspace(0.0, 1.0, bins + 1)[1:-1]
    return [np.unique(np.quantile(x[:, f], qs)) for f in range(x.shape[1])]


def fit(x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None, *, n_trees: int = 150,
        depth: int = 3, lr: float = 0.1, bins: int = 32, lam: float = 1.0, min_hess: float = 5.0) -> Boosted:
    """Fit a model on rows *x* with 0/1 labels *y* (see the module docstring).

    The gradient and hessian histograms of all the nodes of one level are summed in one pass
    over the rows (one ``bincount`` over (node, feature, bin) cells) rather than node by node:
    each cell still adds its rows in row order, so the model is the same to the last bit, in
    about half the time (a refit fits up to eleven of these; docs/testing.md)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, n_feat = x.shape
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    edges = _edges(x, bins)
    width = bins + 1
    cells = n_feat * width
    binned = np.stack([np.searchsorted(e, x[:, f], side="right") for f, e in enumerate(edges)], axis=1)
    # The cell of each (row, feature), row after row.
    flat = (binned + (np.arange(n_feat) * width)[None, :]).ravel()
    p0 = float(np.clip(np.average(y, weights=w), 1e-4, 1.0 - 1e-4))
    base = float(np.log(p0 / (1.0 - p0)))
    z = np.full(n, base)
    inner_nodes, leaves = (1 << depth) - 1, 1 << depth
    feature = np.zeros((n_trees, inner_nodes), dtype=np.int64)
    threshold = np.full((n_trees, inner_nodes), np.inf)
    leaf = np.zeros((n_trees, leaves))
    rows_all = np.arange(n)
    for t in range(n_trees):
        p = 1.0 / (1.0 + np.exp(-z))
        g, h = w * (p - y), w * p * (1.0 - p)
        g_cells, h_cells = np.repeat(g, n_feat), np.repeat(h, n_feat)
        node = np.zeros(n, dtype=np.int64)
        for level in range(depth):
            nodes = 1 << level
            idx = flat if level == 0 else flat + np.repeat(node * cells, n_feat)
            grad = np.bincount(idx, g_cells, nodes * cells).reshape(nodes, n_feat, width)
            hess = np.bincount(idx, h_cells, nodes * cells).reshape(nodes, n_feat, width)
            gl, hl = np.cumsum(grad, 2)[:, :, :-1], np.cumsum(hess, 2)[:, :, :-1]
            gt, ht = grad.sum(2, keepdims=True), hess.sum(2, keepdims=True)
            gain = gl ** 2 / (hl + lam) + (gt - gl) ** 2 / (ht - hl + lam) - gt ** 2 / (ht + lam)
            # A node without rows has no hessian anywhere: no split.
            gain[(hl < min_hess) | (ht - hl < min_hess)] = -np.inf
            for k in range(nodes):
                f, b = np.unravel_index(int(np.argmax(gain[k])), gain[k].shape)
                if np.isfinite(gain[k, f, b]) and gain[k, f, b] > 0.0 and b < len(edges[f]):
                    # bin > b  <=>  x >= edges[f][b]
                    feature[t, nodes - 1 + k] = f
                    threshold[t, nodes - 1 + k] = edges[f][b]
            inner = nodes - 1 + node
            node = node * 2 + (x[rows_all, feature[t, inner]] >= threshold[t, inner])
        leaf[t] = -lr * np.bincount(node, g, leaves) / (np.bincount(node, h, leaves) + lam)
        z += leaf[t][node]
    return Boosted(base, feature, threshold, leaf, n_feat)
