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
