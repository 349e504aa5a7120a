"""The boosted tree model of the semantic engine's answer decision (interact/faq/boosting.py)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from interact.faq import boosting
from interact.faq.boosting import Boosted
from interact.faq.matching import SEM_BASE_MODEL, SEM_DECISION_FEATURES, DecisionModel


def xor_data(n: int = 800, seed: int = 3):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 3))
    y = ((np.abs(x[:, 0]) < 0.5) & (x[:, 1] > -0.5)).astype(float)  # x[:, 2] is noise
    return x, y


def test_it_learns_a_rule_a_logistic_model_cannot():
    x, y = xor_data()
    model = boosting.fit(x, y, n_trees=60, depth=2)
    test_x, test_y = xor_data(400, seed=4)
    accuracy = ((model.probability(test_x) >= 0.5) == test_y).mean()
    assert accuracy > 0.95
    # A band on x[:, 0] is beyond a linear logit: the best such model stays far below.
    from interact.faq.learning import fit_logistic

    coef = fit_logistic(np.hstack([np.ones((len(x), 1)), x]), y)
    linear = ((np.hstack([np.ones((len(test_x), 1)), test_x]) @ coef >= 0) == test_y).mean()
    assert linear < 0.85


def test_fitting_is_reproducible_and_survives_storage_as_json():
    x, y = xor_data()
    first, second = boosting.fit(x, y, n_trees=20), boosting.fit(x, y, n_trees=20)
    assert np.array_equal(first.logit(x), second.logit(x))
    stored = json.loads(json.dumps(first.to_dict()))
    assert np.allclose(Boosted.from_dict(stored).probability(x), first.probability(x), atol=1e-5)


def test_sample_weights_move_the_model():
    x = np.array([[0.0], [0.0], [1.0], [1.0]] * 20)
    y = np.array([0.0, 1.0, 0.0, 1.0] * 20)
    heavy_positive = np.where(y == 1.0, 10.0, 1.0)
    plain = boosting.fit(x, y, n_trees=10, min_hess=0.1).probability(x).mean()
    weighted = boosting.fit(x, y, heavy_positive, n_trees=10, min_hess=0.1).probability(x).mean()
    assert plain == pytest.approx(0.5, abs=0.01) and weighted > 0.8


def test_an_inconsistent_stored_model_is_refused():
    data = SEM_BASE_MODEL.boosted.to_dict()
    data["leaf"] = data["leaf"][:-1]
    with pytest.raises(ValueError):
        Boosted.from_dict(data)
    with pytest.raises(ValueError):
        Boosted.from_dict({**data, "kind": "logistic"})


def test_the_shipped_semantic_model_is_boosted_and_stored_like_a_version():
    assert SEM_BASE_MODEL.boosted is not None and SEM_BASE_MODEL.n_inputs == len(SEM_DECISION_FEATURES)
    again = DecisionModel.from_stored(json.loads(json.dumps(SEM_BASE_MODEL.stored())), SEM_BASE_MODEL.threshold, 7)
    x = np.random.default_rng(0).uniform(0, 1, size=(5, len(SEM_DECISION_FEATURES)))
    assert again.semantic and np.allclose(again.probabilities(x), SEM_BASE_MODEL.probabilities(x), atol=1e-5)


def _fit_node_by_node(x, y, w, *, n_trees, depth, lr=0.1, bins=32, lam=1.0, min_hess=5.0):
    """The fit as first written: each node's histograms summed over its own rows."""
    n, n_feat = x.shape
    edges = boosting._edges(x, bins)
    width = bins + 1
    binned = np.stack([np.searchsorted(e, x[:, f], side="right") for f, e in enumerate(edges)], axis=1)
    flat = binned + (np.arange(n_feat) * width)[None, :]
    p0 = float(np.clip(np.average(y, weights=w), 1e-4, 1.0 - 1e-4))
    z = np.full(n, np.log(p0 / (1.0 - p0)))
    feature = np.zeros((n_trees, (1 << depth) - 1), dtype=np.int64)
    threshold = np.full(feature.shape, np.inf)
    leaf = np.zeros((n_trees, 1 << depth))
    for t in range(n_trees):
        p = 1.0 / (1.0 + np.exp(-z))
        g, h = w * (p - y), w * p * (1.0 - p)
        node = np.zeros(n, dtype=np.int64)
        for level in range(depth):
            for k in range(1 << level):
                rows = np.flatnonzero(node == k)
                if not len(rows):
                    continue
                idx = flat[rows].ravel()
                grad = np.bincount(idx, np.repeat(g[rows], n_feat), n_feat * width).reshape(n_feat, width)
                hess = np.bincount(idx, np.repeat(h[rows], n_feat), n_feat * width).reshape(n_feat, width)
                gl, hl = np.cumsum(grad, 1)[:, :-1], np.cumsum(hess, 1)[:, :-1]
                gt, ht = grad.sum(1, keepdims=True), hess.sum(1, keepdims=True)
                gain = gl ** 2 / (hl + lam) + (gt - gl) ** 2 / (ht - hl + lam) - gt ** 2 / (ht + lam)
                gain[(hl < min_hess) | (ht - hl < min_hess)] = -np.inf
                f, b = np.unravel_index(int(np.argmax(gain)), gain.shape)
                if np.isfinite(gain[f, b]) and gain[f, b] > 0.0 and b < len(edges[f]):
                    feature[t, (1 << level) - 1 + k] = f
                    threshold[t, (1 << level) - 1 + k] = edges[f][b]
            inner = (1 << level) - 1 + node
            node = node * 2 + (x[np.arange(n), feature[t, inner]] >= threshold[t, inner])
        leaf[t] = -lr * np.bincount(node, g, 1 << depth) / (np.bincount(node, h, 1 << depth) + lam)
        z += leaf[t][node]
    return feature, threshold, leaf


@pytest.mark.parametrize("min_hess", [5.0, 40.0])  # 40: some nodes split, some get no rows
def test_the_level_by_level_fit_is_the_node_by_node_fit_to_the_last_bit(min_hess):
    x, y = xor_data(600)
    w = np.where(np.arange(len(y)) % 7 == 0, 6.5, 1.0)  # weighted rows, as curators' examples
    model = boosting.fit(x, y, w, n_trees=15, depth=3, bins=16, min_hess=min_hess)
    feature, threshold, leaf = _fit_node_by_node(x, y, w, n_trees=15, depth=3, bins=16, min_hess=min_hess)
    assert np.array_equal(model.feature, feature) and np.array_equal(model.leaf, leaf)
    assert np.array_equal(model.threshold, threshold)
    assert np.isinf(threshold).any() and np.isfinite(threshold).any()
