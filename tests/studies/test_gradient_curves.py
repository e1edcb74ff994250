"""The cosine-against-batch-size lab: per-episode gradients are exact, and the curves are sane."""

import numpy as np
import torch

from flappy_pg.agents.reinforce.networks import Policy
from flappy_pg.agents.rollout import Episodes
from flappy_pg.game.config import GameConfig, RewardConfig
from flappy_pg.studies.gradlab import curves as gc

TINY = gc.Settings(pool=32, reference=64, reference_max=96, fit=16, fit_epochs=5, batch_sizes=(2, 4, 8, 16),
                   repeats=4, max_score=3, chunk=16)


def small_policy():
    torch.manual_seed(0)
    return Policy(8, (16, 16), init_flap_prob=0.08, input_scale=32.0)


def one_chunk(policy):
    rng = np.random.default_rng(0)
    baselines = gc.fit_baselines(policy, GameConfig(), RewardConfig(), TINY, rng)
    episodes = next(gc.play(policy, GameConfig(), RewardConfig(), 16, 3, TINY, rng))
    return episodes, baselines.credits(episodes)


def test_per_episode_gradients_add_up_to_the_batch_gradient_for_every_estimator():
    policy = small_policy()
    episodes, credits = one_chunk(policy)
    grads = gc.episode_gradients(policy, episodes, credits)
    assert grads.shape == (16, len(gc.ESTIMATORS), sum(p.numel() for p in policy.parameters()))
    for k in range(len(gc.ESTIMATORS)):
        total = gc.batch_gradient(policy, episodes, credits[..., k]).numpy()
        assert np.allclose(grads[:, k].sum(0), total, rtol=1e-4, atol=1e-3 * np.abs(total).max())


def test_one_episodes_gradient_is_that_episode_alone():
    policy = small_policy()
    e, credits = one_chunk(policy)
    grads = gc.episode_gradients(policy, e, credits)
    for i in (0, 7):
        alone = Episodes(e.scores[i:i + 1], e.lengths[i:i + 1], e.truncated[i:i + 1],
                         observations=e.observations[:, i:i + 1], actions=e.actions[:, i:i + 1],
                         rewards=e.rewards[:, i:i + 1], mask=e.mask[:, i:i + 1])
        single = gc.batch_gradient(policy, alone, credits[:, i:i + 1, 1]).numpy()
        assert np.allclose(grads[i, 1], single, rtol=1e-4, atol=1e-4 * np.abs(single).max())


def test_the_curves_are_cosines_of_the_right_shape_and_the_run_is_deterministic():
    first = gc.measure(small_policy(), GameConfig(), "tiny", TINY, echo=lambda m: None)
    again = gc.measure(small_policy(), GameConfig(), "tiny", TINY, echo=lambda m: None)
    for name in gc.ESTIMATORS:
        for values in (first.to_reference[name], first.pairwise[name]):
            assert values.shape == (4, 4) and np.all(np.abs(values) <= 1 + 1e-9)
        assert np.array_equal(first.pairwise[name], again.pairwise[name])
    assert first.reference_noise > 0 and first.reference_norm > 0
    # The reference uses the least noisy estimator, on 64 to 96 episodes, and reports its error.
    assert first.reference_estimator == min(gc.ESTIMATORS, key=first.trace.get)
    assert 64 <= first.reference_episodes <= 96
    assert np.isclose(first.reference_noise,
                      np.sqrt(first.trace[first.reference_estimator] / first.reference_episodes))


def test_crossing_interpolates_on_log_batch_size():
    sizes = (8, 16, 32, 64)
    assert gc.crossing(sizes, [0.1, 0.3, 0.7, 0.95], 0.5) == "23"  # halfway from 16 to 32 in log
    assert gc.crossing(sizes, [0.6, 0.7, 0.8, 0.9], 0.5) == "≤ 8"
    assert gc.crossing(sizes, [0.1, 0.2, 0.3, 0.4], 0.5) == "> 64"


def test_the_predicted_batch_size_follows_the_variance_ratio():
    curves = gc.Curves("x", 1, 0, reference_norm=np.sqrt(4.01), reference_noise=0.1,
                       reference_estimator="reward-to-go", reference_episodes=1000, trace={name: 40.0 for name in gc.ESTIMATORS})
    # |g|² = 4.01 - 0.1² = 4, tr Σ / |g|² = 10: pairwise cos 0.5 at N = 10, cos 0.5 to the truth at N = 10/3
    assert abs(gc.predicted(curves, "reward-to-go", 0.5, pairwise=True) - 10) < 1e-9
    assert abs(gc.predicted(curves, "reward-to-go", 0.5, pairwise=False) - 10 / 3) < 1e-9


def test_a_prediction_from_a_reference_that_is_mostly_noise_is_not_estimable():
    def curves(noise):
        return gc.Curves("x", 1, 0, reference_norm=2.0, reference_noise=noise,
                         reference_estimator="reward-to-go", reference_episodes=1000,
                         trace={name: 40.0 for name in gc.ESTIMATORS})
    assert gc.predicted_text(curves(2.2), "reward-to-go", 0.5) == "not estimable"
    assert gc.predicted_text(curves(0.1), "reward-to-go", 0.5) == "3"  # 40 / 3.99 / 3
