"""The gradient lab: exact gradients by enumeration against autograd and against sampling."""

import numpy as np
import torch

from flappy_pg.agents.reinforce.networks import Policy
from flappy_pg.game.config import GameConfig
from flappy_pg.studies.gradlab.exact import (
    VARIANTS,
    enumerate_tree,
    estimator_surrogate,
    estimator_variance,
    exact_gradient,
    flat_grad,
    sample_estimate,
    start_state,
)


def setup(horizon=8):
    torch.manual_seed(1)
    policy = Policy(8, (16,), input_scale=8.0)
    tree = enumerate_tree(policy, start_state(GameConfig(), seed=5), horizon)
    return policy, tree, list(policy.parameters())


def test_tree_probabilities_sum_to_one_and_returns_vary():
    _, tree, _ = setup()
    p = tree.probabilities()
    assert abs(p.sum() - 1) < 1e-12 and tree.possible.sum() > 10
    assert tree.returns[tree.possible].std() > 0.1  # some sequences crash, some do not


def test_score_function_expectations_equal_the_autograd_gradient():
    policy, tree, params = setup()
    truth = exact_gradient(tree, params)
    probs = tree.probabilities()
    exact_batch_mean = (tree.rewards_to_go * probs).sum(1, keepdims=True)
    for variant in VARIANTS:
        g = flat_grad(estimator_surrogate(tree, variant, probs, exact_batch_mean), params)
        assert float((g - truth).norm() / truth.norm()) < 1e-5, variant


def test_monte_carlo_estimates_converge_to_the_exact_gradient():
    policy, tree, params = setup()
    truth = exact_gradient(tree, params)
    rng = np.random.default_rng(0)
    for variant in VARIANTS:  # the baselines (batch mean, V(s)) included: all unbiased
        estimates = torch.stack([sample_estimate(tree, variant, rng, 50, params) for _ in range(300)])
        spread = float(((estimates - estimates.mean(0)) ** 2).sum(1).mean())
        error = float((estimates.mean(0) - truth).norm())
        assert error < 4 * np.sqrt(spread / 300), variant


def test_error_shrinks_like_one_over_root_n():
    policy, tree, params = setup()
    truth = exact_gradient(tree, params)
    rng = np.random.default_rng(1)
    rms = {}
    for n in (20, 2000):
        errors = [float((sample_estimate(tree, "reward-to-go", rng, n, params) - truth).norm())
                  for _ in range(60)]
        rms[n] = np.sqrt(np.mean(np.square(errors)))
    assert 6 < rms[20] / rms[2000] < 16  # √100 = 10


def test_real_game_variance_table_is_well_formed():
    torch.manual_seed(0)
    policy = Policy(8, (16,), init_flap_prob=0.08, input_scale=8.0)
    rows = estimator_variance(policy, GameConfig(pipe_gap=150), batches=4, episodes=4,
                              reference_episodes=32, reference_chunks=2, max_score=2,
                              echo=lambda m: None)
    assert [r["variant"] for r in rows] == list(VARIANTS)
    for r in rows:
        assert r["trace_cov"] >= 0 and -1 <= r["cosine_to_reference"] <= 1
