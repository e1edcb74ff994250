"""REINFORCE: returns and advantages against hand-worked examples, the baseline's unbiasedness,
rollouts of complete episodes, checkpoints and resume, and a tiny training run that learns."""

import numpy as np
import pytest
import torch

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.reinforce.algorithm import (
    advantages,
    discounted_returns,
    full_returns,
    policy_actor,
)
from flappy_pg.agents.reinforce.checkpoint import (
    atomic_torch_save,
    load_checkpoint,
    load_policy,
    save_trainer,
    trainer_payload,
)
from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.reinforce.networks import NumpyActor, Policy
from flappy_pg.agents.reinforce.trainer import Trainer
from flappy_pg.agents.rollout import play_episodes
from flappy_pg.envs.vector import FlappyBirdVectorEnv
from flappy_pg.errors import CheckpointError

TINY = dict(games=4, hidden=(8,), eval_every_steps=0, torch_threads=1, value_steps=2,
            train_max_score=3)


def test_reward_to_go_and_full_return_by_hand():
    rewards = np.array([[1.0, 1.0], [2.0, 1.0], [3.0, 0.0]])  # game 2 ended after 2 steps
    mask = np.array([[1, 1], [1, 1], [1, 0]], dtype=bool)
    assert discounted_returns(rewards, mask, 0.5).tolist() == [[2.75, 1.5], [3.5, 1.0], [3.0, 0.0]]
    assert full_returns(rewards, mask, 0.5).tolist() == [[2.75, 1.5], [2.75, 1.5], [2.75, 0.0]]
    assert discounted_returns(rewards, mask, 1.0)[:, 0].tolist() == [6.0, 5.0, 3.0]


def test_advantages_are_normalized_over_the_whole_batch():
    # Two episodes of a +0.1 alive bonus: normalizing per episode would make every episode's last
    # steps negative; over the batch, the longer episode's steps stay above the shorter one's.
    short = discounted_returns(np.full((3, 1), 0.1), np.ones((3, 1), bool), 1.0)[:, 0]
    long = discounted_returns(np.full((6, 1), 0.1), np.ones((6, 1), bool), 1.0)[:, 0]
    returns = torch.tensor(np.concatenate([short, long]), dtype=torch.float32)
    adv = advantages(returns, "none", None, normalize=True)
    assert abs(float(adv.mean())) < 1e-6 and abs(float(adv.std()) - 1) < 1e-5
    assert torch.allclose(adv, (returns - returns.mean()) / returns.std(), atol=1e-6)
    single = advantages(torch.tensor([3.0]), "mean", None, normalize=True)
    assert torch.isfinite(single).all()  # a std over one element would be NaN
    values = torch.tensor([1.0, 2.0])
    assert advantages(torch.tensor([3.0, 3.0]), "value", values, False).tolist() == [2.0, 1.0]


def test_a_baseline_leaves_the_expected_gradient_unchanged():
    # E_a[∇ log π(a|s) · (G(a) - b)] = E_a[∇ log π(a|s) · G(a)]: the surrogate loss's gradient,
    # averaged exactly over both actions, is the same with a baseline b as without.
    from flappy_pg.agents.reinforce.algorithm import surrogate_loss
    torch.manual_seed(0)
    policy = Policy(8, (16,))
    with torch.no_grad():  # a policy far from uniform
        policy.net[-1].weight.mul_(300)
    state, returns = torch.randn(1, 8), (2.0, 5.0)
    probabilities = torch.softmax(policy(state), -1)[0].detach()
    assert 0.001 < probabilities[1] < 0.999

    def expected_gradient(baseline: float) -> list[torch.Tensor]:
        total = [torch.zeros_like(p) for p in policy.parameters()]
        for action in (0, 1):
            loss, _ = surrogate_loss(policy(state), torch.tensor([action]),
                                     torch.tensor([returns[action] - baseline]), 0.0)
            for t, g in zip(total, torch.autograd.grad(loss, list(policy.parameters()))):
                t += probabilities[action] * g
        return total
    plain, with_baseline = expected_gradient(0.0), expected_gradient(7.5)
    assert max(float(g.abs().max()) for g in plain) > 1e-3  # a gradient worth comparing
    for g, h in zip(plain, with_baseline):
        assert torch.allclose(g, h, atol=1e-5)


def test_new_policy_starts_at_its_initial_flap_probability():
    obs = torch.randn(64, 8)
    assert torch.allclose(Policy().flap_probability(obs), torch.tensor(0.5), atol=0.02)
    assert torch.allclose(Policy(init_flap_prob=0.08).flap_probability(obs), torch.tensor(0.08),
                          atol=0.01)
    with torch.no_grad():
        entropy = Policy().distribution(obs).entropy().mean()
    assert abs(float(entropy) - np.log(2)) < 1e-3


def test_entropy_bonus_acts_only_below_the_entropy_floor():
    from flappy_pg.agents.reinforce.algorithm import surrogate_loss
    torch.manual_seed(0)
    policy = Policy(init_flap_prob=0.08)  # entropy about 0.28
    obs, actions, adv = torch.randn(64, 8), torch.randint(0, 2, (64,)), torch.randn(64)
    logits = policy(obs)
    plain, stats = surrogate_loss(logits, actions, adv, 0.0)
    assert 0.25 < stats["entropy"] < 0.3
    always, _ = surrogate_loss(logits, actions, adv, 0.5)
    assert torch.isclose(always, plain - 0.5 * stats["entropy"])
    above_floor, _ = surrogate_loss(logits, actions, adv, 0.5, entropy_floor=0.1)
    assert torch.equal(above_floor, plain)  # entropy 0.28 >= 0.1: no bonus
    below_floor, _ = surrogate_loss(logits, actions, adv, 0.5, entropy_floor=0.5)
    assert torch.isclose(below_floor, always)
    saved = TrainConfig(entropy_coef=0.5).to_dict()
    del saved["entropy_floor"]  # a run saved before the floor existed resumes as it ran
    assert TrainConfig.from_dict(saved).entropy_floor == 0.0


def test_numpy_actor_matches_the_torch_policy():
    policy = Policy(8, (32, 32))
    obs = np.random.default_rng(0).standard_normal((50, 8)).astype(np.float32)
    assert np.allclose(NumpyActor(policy).flap_probability(obs),
                       policy.flap_probability(torch.from_numpy(obs)).numpy(), atol=1e-6)


def test_rollouts_hold_complete_episodes_without_the_reset_step():
    env = FlappyBirdVectorEnv(6, max_score=2, config={"pipe_gap": 160})

    def act(obs):  # every other playing game steers through the gaps, the rest never flap
        return np.where(np.arange(len(obs)) % 2 == 0, obs[:, 4] < 0.02, False).astype(np.int64)
    episodes = play_episodes(env, act, record=True, seed=3)
    assert episodes.truncated.any() and not episodes.truncated.all()
    assert episodes.mask.sum(axis=0).tolist() == episodes.lengths.tolist()
    for i, length in enumerate(episodes.lengths):
        assert episodes.mask[:length, i].all() and not episodes.mask[length:, i].any()
        last = episodes.rewards[length - 1, i]
        if episodes.truncated[i]:  # reached the score cap: the last frame passed a pipe
            assert last == pytest.approx(1.1) and episodes.scores[i] == 2
        else:
            assert last == -1.0
    single = FlappyBirdVectorEnv(6, config={"pipe_gap": 160}).reset(seed=3)[0]
    assert np.array_equal(episodes.observations[0], single)


@pytest.mark.parametrize("obs, share, extra", [
    ("features", 1.0, {}), ("pixels", 1.0, {}), ("features", 0.25, {}),
    ("pixels", 0.5, {"pixel_net": "mlp", "baseline": "state"})])
def test_checkpoint_round_trip_and_resume_give_the_same_next_update(tmp_path, obs, share, extra):
    trainer = Trainer(TrainConfig(**TINY, obs=obs, update_share=share, **extra))
    trainer.step()
    trainer.step()
    save_trainer(trainer, tmp_path / "latest.pt")
    resumed = Trainer.restore(tmp_path / "latest.pt", {})
    a, b = trainer.step(), resumed.step()
    for key in ("env_steps", "episodes", "score_mean", "policy_loss", "entropy", "update"):
        assert a[key] == b[key]
    for p, q in zip(trainer.policy.parameters(), resumed.policy.parameters()):
        assert torch.equal(p, q)
    policy, payload = load_policy(tmp_path / "latest.pt")
    assert payload["train_config"]["games"] == 4 and payload["train_config"]["obs"] == obs
    result = evaluate(policy_actor(policy, np.random.default_rng(0), greedy=True),
                      trainer.config.game, episodes=3, max_score=2,
                      obs_type=trainer.config.obs_type)
    assert len(result.scores) == 3


def test_bad_checkpoints_are_refused_with_one_line(tmp_path):
    with pytest.raises(CheckpointError, match="not found"):
        load_checkpoint(tmp_path / "missing.pt")
    (tmp_path / "junk.pt").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(CheckpointError, match="corrupt"):
        load_checkpoint(tmp_path / "junk.pt")
    torch.save({"format": "flappy-pg/reinforce/1", "evil": Trainer}, tmp_path / "pickled.pt")
    with pytest.raises(CheckpointError, match="pickled"):
        load_checkpoint(tmp_path / "pickled.pt")
    atomic_torch_save({"weights": torch.zeros(2)}, tmp_path / "foreign.pt")
    with pytest.raises(CheckpointError, match="not a flappy-pg"):
        load_checkpoint(tmp_path / "foreign.pt")
    payload = trainer_payload(Trainer(TrainConfig(**TINY)))
    payload["observation_layout"] = {"name": "pixels-v0", "features": []}
    atomic_torch_save(payload, tmp_path / "other_layout.pt")
    with pytest.raises(CheckpointError, match="layout 'pixels-v0'"):
        load_checkpoint(tmp_path / "other_layout.pt")
    for path in tmp_path.iterdir():
        with pytest.raises(CheckpointError) as refused:
            load_checkpoint(path)
        assert "\n" not in str(refused.value)


def test_invalid_training_settings_are_refused():
    from flappy_pg.errors import ConfigError
    for bad in ({"baseline": "median"}, {"returns": "td"}, {"gamma": 0.0}, {"games": 0},
                {"init_flap_prob": 1.0}, {"game": {"pipe_gap": -5}}, {"obs": "rgb"},
                {"obs": "pixels", "games": 4096, "train_max_score": 1000},
                {"obs": "pixels", "pixel_rows": (64, 70)}, {"obs": "pixels", "pixel_columns": (5, 5)},
                {"obs": "pixels", "pixel_past_columns": (36, 40)}):
        with pytest.raises(ConfigError):
            TrainConfig(**bad)


def test_tiny_training_run_beats_the_random_policy():
    easy = {"pipe_gap": 200}
    config = TrainConfig(games=64, hidden=(16,), eval_every_steps=0, torch_threads=1, lr=0.01,
                         init_flap_prob=0.08, train_max_score=5, game=easy, seed=1)
    trainer = Trainer(config)
    before = evaluate(policy_actor(trainer.policy, np.random.default_rng(0)), config.game,
                      episodes=32, max_score=5).mean
    for _ in range(40):
        trainer.step()
    after = evaluate(policy_actor(trainer.policy, np.random.default_rng(0)), config.game,
                     episodes=32, max_score=5).mean
    assert before < 0.5 and after > before + 1.0


def test_training_rollouts_follow_the_single_envs_rules_for_the_same_keys():
    """`play_keys` (the shrinking batch training uses) plays exactly what the single env plays
    for the same pipe keys: observations, rewards, scores and episode ends."""
    from flappy_pg.agents.rollout import play_keys
    from flappy_pg.envs.single import FlappyBirdEnv
    from flappy_pg.game.config import GameConfig, RewardConfig
    from flappy_pg.game.core import Physics, episode_keys
    from flappy_pg.game.observation import Features
    config = GameConfig()
    keys = episode_keys(7, 0, 8)
    assert len(set(keys.tolist())) == 8 and not np.array_equal(keys, episode_keys(7, 1, 8))

    def act(observations):  # a clumsy autopilot: crashes after 1 to 16 pipes, or reaches 20
        return (observations[:, 4] < 0.06).astype(np.int64)
    batch = play_keys(Physics(config), Features(config), RewardConfig(), keys, act, max_score=20)
    assert batch.truncated.any() and not batch.truncated.all()
    for i, key in enumerate(keys.tolist()):
        env = FlappyBirdEnv(config=config, max_score=20)
        observation, _ = env.reset(seed=0)
        env.game.reset(key)
        observation = env._observation()
        for t in range(batch.lengths[i]):
            assert np.array_equal(batch.observations[t, i], observation)
            observation, reward, terminated, truncated, info = env.step(int(batch.actions[t, i]))
            assert batch.rewards[t, i] == reward
        assert terminated or truncated
        assert (info["score"], bool(truncated)) == (batch.scores[i], bool(batch.truncated[i]))
        assert not batch.mask[batch.lengths[i]:, i].any()
    packed = play_keys(Physics(config), Features(config), RewardConfig(), keys, act, max_score=20,
                       time_major=False)
    assert packed.observations is None and np.array_equal(packed.mask, batch.mask)
    some = batch.mask & (np.arange(len(batch.mask))[:, None] % 3 == 0)
    assert np.array_equal(packed.observations_at(some), batch.observations[some])


@pytest.mark.parametrize("window", [{}, {"pixel_rows": (0, 64), "pixel_past_columns": (4, 24)},
                                    {"pixel_columns": (2, 30), "pixel_rows": (5, 40),
                                     "pixel_past_columns": (0, 36)}])
def test_the_pixel_mlp_trains_on_the_cells_it_reads_as_if_on_whole_frames(window):
    """The trainer draws only the cells the MLP reads: the same policy, on whole frame pairs or
    on those cells, gives the same flap probabilities, in torch and in its numpy actor."""
    from flappy_pg.agents.reinforce.networks import NumpyPixelActor
    from flappy_pg.game.core import GameBatch, Physics
    from flappy_pg.game.pixels import PixelPairs
    trainer = Trainer(TrainConfig.for_obs("pixels", **{**TINY, "hidden": (8,), **window}))
    with torch.no_grad():  # a policy whose flaps depend on every pixel it reads
        for weights in trainer.policy.parameters():
            weights.add_(torch.randn_like(weights) * 0.1)
    c = trainer.config
    (r0, r1), (p0, p1), (n0, n1) = c.pixel_rows, c.pixel_past_columns, c.pixel_columns
    size = (min(r1, 64) - r0) * (min(p1, 36) - p0 + min(n1, 36) - n0)
    assert trainer.observer.shape == (size,) and trainer.policy.crop.size == size
    from flappy_pg.agents.reinforce.pixel_reuse import training_actor
    act = policy_actor(trainer.policy, np.random.default_rng(0),
                       actor=training_actor(trainer.policy, trainer.observer))
    episodes = trainer.play_round(act)  # kept as layouts: `cells` draws them
    assert trainer.observer.cells(episodes.observations_at(episodes.mask)).shape[1:] == (size,)
    games = GameBatch(Physics(c.game), 16)
    games.reset(np.arange(16), np.arange(16, dtype=np.uint64) + 3)
    for _ in range(100):  # the first pipe has come into the columns read; birds high and low
        games.step(games.y > 120 + 15 * np.arange(16))
    whole = PixelPairs(c.game).of_batch(games)
    cut = trainer.observer.cells(trainer.observer.of_batch(games))
    expected = np.concatenate([whole[:, 0, r0:r1, p0:p1].reshape(16, -1),
                               whole[:, 1, r0:r1, n0:n1].reshape(16, -1)], axis=1)
    assert np.array_equal(cut, expected)
    assert (cut == 255).any() and (cut == 128).any()  # the bird and a pipe are in view
    torch_p = [trainer.policy.flap_probability(torch.from_numpy(x)) for x in (whole, cut)]
    assert torch.equal(*torch_p)
    actor = NumpyPixelActor(trainer.policy)
    assert np.array_equal(actor.flap_probability(whole), actor.flap_probability(cut))


def test_the_cut_short_tail_of_a_truncated_episode_is_left_out_and_crashes_are_kept_whole():
    from flappy_pg.agents.reinforce.algorithm import complete_steps
    from flappy_pg.agents.rollout import Episodes
    mask = np.zeros((6, 3), dtype=bool)
    mask[:6, 0] = mask[:4, 1] = mask[:5, 2] = True
    episodes = Episodes(np.zeros(3), np.array([6, 4, 5]), np.array([True, False, True]), mask=mask)
    keep = complete_steps(episodes, tail=2)
    assert keep[:, 0].tolist() == [True] * 4 + [False] * 2  # truncated: last 2 steps out
    assert keep[:, 1].tolist() == [True] * 4 + [False] * 2  # crashed: all 4 steps kept
    assert keep[:, 2].tolist() == [True] * 3 + [False] * 3
    assert np.array_equal(complete_steps(episodes, tail=0), mask)


def test_pixel_policy_batches_hold_frame_pairs_and_a_layout_of_their_own(tmp_path):
    from flappy_pg.agents.reinforce.networks import PixelPolicy
    trainer = Trainer(TrainConfig(**TINY, obs="pixels"))
    assert isinstance(trainer.policy, PixelPolicy)
    episodes = trainer.play_round(policy_actor(trainer.policy, np.random.default_rng(0)))
    observations = episodes.observations_at(episodes.mask)
    assert observations.shape[1:] == (2, 64, 36)
    assert observations.dtype == np.uint8
    first = observations[0]
    assert (first == 255).any() and (first == 64).any()  # the bird and the ground are drawn
    save_trainer(trainer, tmp_path / "pixels.pt")
    payload = torch.load(tmp_path / "pixels.pt", weights_only=True)
    assert payload["observation_layout"] == {"name": "pixel-pairs-v1", "shape": [2, 64, 36]}
    payload["observation_layout"] = trainer_payload(Trainer(TrainConfig(**TINY)))["observation_layout"]
    atomic_torch_save(payload, tmp_path / "mismatch.pt")
    with pytest.raises(CheckpointError, match="does not fit its training settings"):
        load_checkpoint(tmp_path / "mismatch.pt")


def test_drop_heavy_training_pipes_sit_at_the_extremes_and_evaluation_stays_real():
    from flappy_pg.errors import ConfigError
    from flappy_pg.game.config import GameConfig
    from flappy_pg.game.core import GameBatch, Physics
    from flappy_pg.game.curriculum import DropHeavyPhysics
    config = GameConfig()
    keys = np.arange(1, 4001, dtype=np.uint64) * np.uint64(7919)
    real, heavy = GameBatch(Physics(config), len(keys)), GameBatch(DropHeavyPhysics(config, 0.4), len(keys))
    for games in (real, heavy):
        games.reset(np.arange(len(keys)), keys)
    lowest, highest = config.gap_top_min, config.gap_top_max
    changed = heavy.gaps != real.gaps
    assert 0.3 < changed.mean() < 0.45  # 40% placed at an extreme, a few were there already
    assert np.isin(heavy.gaps[changed], [lowest, highest]).all()
    assert abs((heavy.gaps == lowest).mean() - (heavy.gaps == highest).mean()) < 0.03
    trainer = Trainer(TrainConfig(extreme_gap_share=0.4, games=8))
    assert isinstance(trainer.physics, DropHeavyPhysics)
    assert type(Trainer(TrainConfig(games=8, extreme_gap_share=0.0)).physics) is Physics
    saved = TrainConfig().to_dict()
    del saved["extreme_gap_share"]  # a run saved before the setting existed resumes as it ran
    assert TrainConfig.from_dict(saved).extreme_gap_share == 0.0
    with pytest.raises(ConfigError):
        TrainConfig(extreme_gap_share=1.0)


def test_a_pixel_batch_too_large_for_memory_is_refused_before_any_work():
    from flappy_pg.errors import ConfigError
    with pytest.raises(ConfigError, match="--batch-steps"):
        TrainConfig.for_obs("pixels", batch_steps=100_000_000)
    pixels = TrainConfig.for_obs("pixels")  # the pixel defaults live in the config
    assert (pixels.games, pixels.baseline) == (64, "state")


def test_a_pixel_batch_is_sized_by_what_its_steps_keep():
    """The MLP's layout codes and kept products take a few hundred bytes per step, so long
    training caps fit; the CNN's whole pairs, or the cells kept for V(s), do not."""
    from flappy_pg.errors import ConfigError
    from flappy_pg.game.pixels import PixelPairs
    codes = TrainConfig.for_obs("pixels", train_max_score=100)
    assert codes.pixel_step_bytes() == 2 * (20 + 20 + 4) + 4 * 64 + 8 * 4  # codes, products, state
    assert TrainConfig.for_obs("pixels", pixel_net="cnn").pixel_step_bytes() == \
        np.prod(PixelPairs(codes.game).shape)
    TrainConfig.for_obs("pixels", train_max_score=1000)
    for heavy in ({"pixel_net": "cnn"}, {"baseline": "value"}):
        with pytest.raises(ConfigError, match="--train-max-score"):
            TrainConfig.for_obs("pixels", train_max_score=1000, **heavy)


def test_the_reward_formula_is_one_for_one_game_and_for_arrays():
    import numpy as np

    from flappy_pg.game.config import RewardConfig
    rewards = RewardConfig(alive=0.1, pipe=1.0, death=-1.0)
    passed, crashed = np.array([False, True, False, True]), np.array([False, False, True, True])
    singles = [rewards.reward(bool(p), bool(c)) for p, c in zip(passed, crashed)]
    assert rewards.reward(passed, crashed).tolist() == singles == [0.1, 1.1, -1.0, -1.0]


def test_the_pixel_mlp_acts_in_numpy_as_its_torch_network_does():
    import torch

    from flappy_pg.agents.reinforce.config import TrainConfig
    from flappy_pg.agents.reinforce.networks import (
        NumpyPixelActor,
        TorchActor,
        actor_for,
        make_networks,
    )
    torch.manual_seed(0)
    policy, _ = make_networks(TrainConfig.for_obs("pixels", torch_threads=1))
    with torch.no_grad():
        for parameter in policy.parameters():
            parameter.normal_(0, 0.05)  # away from the near-uniform start
    frames = np.random.default_rng(1).integers(0, 256, (16, 2, 64, 36)).astype(np.uint8)
    actor = actor_for(policy)
    assert isinstance(actor, NumpyPixelActor)
    assert np.allclose(actor.flap_probability(frames), TorchActor(policy).flap_probability(frames),
                       atol=1e-5)
    # only the configured columns matter
    changed = frames.copy()
    changed[..., 30:] = 0
    assert np.array_equal(actor.flap_probability(frames), actor.flap_probability(changed))


def test_a_cnn_pixel_checkpoint_saved_before_pixel_net_existed_still_loads(tmp_path):
    import torch

    from flappy_pg.agents.reinforce.checkpoint import load_policy, save_trainer
    from flappy_pg.agents.reinforce.config import TrainConfig
    from flappy_pg.agents.reinforce.networks import PixelPolicy
    from flappy_pg.agents.reinforce.trainer import Trainer
    trainer = Trainer(TrainConfig.for_obs("pixels", pixel_net="cnn", games=2, torch_threads=1))
    path = tmp_path / "old.pt"
    save_trainer(trainer, path)
    payload = torch.load(path, weights_only=True)
    for name in ("pixel_net", "pixel_columns"):
        del payload["train_config"][name]
    torch.save(payload, path)
    policy, _ = load_policy(path)
    assert isinstance(policy, PixelPolicy)


@pytest.mark.parametrize("block_rows", [4096, 7])  # one block of rows, or several
def test_the_pixel_update_from_the_actors_first_layer_is_the_plain_update(block_rows, monkeypatch):
    import torch

    from flappy_pg.agents.reinforce.algorithm import surrogate_loss
    from flappy_pg.agents.reinforce.config import TrainConfig
    from flappy_pg.agents.reinforce.networks import actor_for, make_networks
    from flappy_pg.agents.reinforce.pixel_reuse import (
        KnownProducts,
        ProductKeepingActor,
        logits_with_products,
    )
    monkeypatch.setattr(KnownProducts, "ROWS", block_rows)
    torch.manual_seed(0)
    policy, _ = make_networks(TrainConfig.for_obs("pixels", torch_threads=1))
    with torch.no_grad():
        for parameter in policy.parameters():
            parameter.normal_(0, 0.05)
    rng = np.random.default_rng(2)
    frames = rng.choice(np.array([0, 64, 128, 255], dtype=np.uint8), (24, 2, 64, 36))
    actor = ProductKeepingActor(policy)
    actor.flap_probability(frames[:10])  # two calls, as two steps of a round
    actor.flap_probability(frames[10:])
    first_layer = torch.from_numpy(np.concatenate(actor.first_layer))
    assert first_layer.shape == (24, 64)
    assert np.array_equal(actor.flap_probability(frames), actor_for(policy).flap_probability(frames))
    actions = torch.from_numpy(rng.integers(0, 2, 24))
    adv = torch.from_numpy(rng.normal(size=24)).float()
    observations = torch.from_numpy(frames)
    grads = []
    for logits in (policy(observations), logits_with_products(policy, observations, first_layer)):
        policy.zero_grad()
        loss, _ = surrogate_loss(logits, actions, adv, 0.01)
        loss.backward()
        grads.append([p.grad.clone() for p in policy.parameters()])
    for plain, reused in zip(*grads):
        assert torch.allclose(plain, reused, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("kept", ["cells, dense", "cells, from layouts", "layouts"])
@pytest.mark.parametrize("window", [{}, {"pixel_rows": (9, 50), "pixel_past_columns": (7, 11),
                                         "replay_share": 0.5}])
def test_the_kept_first_layer_rows_are_those_of_the_batch_observations(kept, window):
    """Over several rounds, the actor's kept products line up with the flattened observations:
    computed densely, or from the frames' layouts (`PatternProducts`: equal within float32
    rounding, the bird's block included, whatever rows and columns the MLP reads)."""
    import torch

    from flappy_pg.agents.reinforce.algorithm import collect_batch
    from flappy_pg.agents.reinforce.config import TrainConfig
    from flappy_pg.agents.reinforce.networks import scaled
    from flappy_pg.agents.reinforce.pixel_reuse import (
        ProductKeepingActor,
        kept_products,
        training_actor,
    )
    from flappy_pg.agents.reinforce.trainer import flatten
    baseline = {"baseline": "mean" if kept == "layouts" else "value"}  # a V(s) needs the cells
    trainer = Trainer(TrainConfig.for_obs("pixels", games=3, torch_threads=1, **window, **baseline))
    with torch.no_grad():
        trainer.policy.net[0].weight.normal_(0, 0.05)  # products that differ from row to row
    trainer.step()  # banks some deaths: with replays, the next rounds start mid-game
    actor = training_actor(trainer.policy, None if kept == "cells, dense" else trainer.observer)
    assert isinstance(actor, ProductKeepingActor)
    assert (actor.patterns is None) == (kept == "cells, dense")
    rounds = collect_batch(trainer.play_round, policy_actor(trainer.policy, trainer.rng, actor=actor),
                           min_steps=1000)
    assert len(rounds) >= 2
    obs = flatten(rounds, trainer.config).observations
    if kept == "layouts":
        obs = torch.from_numpy(trainer.observer.cells(obs.numpy()))
    products = kept_products(actor, rounds, trainer.config.truncated_tail)
    weight = trainer.policy.net[0].weight.detach().numpy()
    assert products.shape == (len(obs), weight.shape[0])
    assert np.allclose(products.numpy(), scaled(obs.numpy()) @ weight.T, atol=1e-5)


def test_an_evaluation_names_its_worst_games_and_watch_replays_one():
    from flappy_pg.agents.evaluate import EvalResult
    from flappy_pg.envs.single import FlappyBirdEnv
    result = EvalResult(np.array([1000, 3, 1000, 0, 7]), np.zeros(5), 1000, seed=50)
    assert result.worst() == [(53, 0), (51, 3), (54, 7)]
    assert result.worst_line("flappy-pg watch x.pt").startswith(
        "worst games: seed 53 after 0 pipes, seed 51 after 3 pipes, seed 54 after 7 pipes")
    assert "`flappy-pg watch x.pt --seed 53`" in result.worst_line("flappy-pg watch x.pt")
    assert EvalResult(np.array([1000, 1000]), np.zeros(2), 1000, seed=0).worst_line() == ""
    # the game a seed names is the one `watch --seed` plays: the same pipes, the same fate
    policy = Policy(8, (8,), init_flap_prob=0.08)
    evaluation = evaluate(policy_actor(policy, np.random.default_rng(0), greedy=True),
                          TrainConfig().game, episodes=4, seed=70, max_score=50)
    seed, score = evaluation.worst()[0]
    env, actor = FlappyBirdEnv(max_score=50), NumpyActor(policy)
    observation, _ = env.reset(seed=seed)
    done = False
    while not done:
        observation, _, terminated, truncated, info = env.step(
            int(actor.flap_probability(observation[None])[0] > 0.5))
        done = terminated or truncated
    assert info["score"] == score


@pytest.mark.parametrize("window, share", [({}, 1.0), ({}, 0.3),
                                           ({"pixel_rows": (9, 50), "pixel_past_columns": (7, 11)},
                                            1.0)])
def test_the_pixel_update_from_layout_codes_is_the_plain_update(window, share):
    """Training keeps the frames' layouts (`LayoutCodes`), not their cells: the update's
    gradient computed from them equals the plain forward and backward over the cells they
    draw (within float32 rounding), the bird's cells included; on a random share of the
    batch's steps (`update_share`) too."""
    import torch

    from flappy_pg.agents.reinforce.algorithm import collect_batch, surrogate_loss
    from flappy_pg.agents.reinforce.config import TrainConfig
    from flappy_pg.agents.reinforce.pixel_reuse import LayoutCodes, batch_logits, training_actor
    from flappy_pg.agents.reinforce.trainer import flatten
    trainer = Trainer(TrainConfig.for_obs("pixels", games=4, torch_threads=1, update_share=share,
                                          **window))
    assert isinstance(trainer.observer, LayoutCodes)
    with torch.no_grad():
        for parameter in trainer.policy.parameters():
            parameter.normal_(0, 0.05)
    actor = training_actor(trainer.policy, trainer.observer)
    rounds = collect_batch(trainer.play_round, policy_actor(trainer.policy, trainer.rng, actor=actor),
                           min_steps=600)
    batch = flatten(rounds, trainer.config)
    subset = trainer.update_subset(len(batch))
    if share < 1:
        assert len(subset) == round(share * len(batch)) and (subset.diff() > 0).all()
        batch = batch.subset(subset)
    cp, cn = (b - a for a, b in (trainer.config.pixel_past_columns, trainer.config.pixel_columns))
    assert batch.observations.shape[1] == cp + cn + 4  # a pattern per column, the bird twice
    rng = np.random.default_rng(0)
    adv = torch.from_numpy(rng.normal(size=len(batch.actions))).float()
    cells = torch.from_numpy(trainer.observer.cells(batch.observations.numpy()))
    grads = []
    for logits in (trainer.policy(cells),
                   batch_logits(trainer.policy, batch.observations, actor, rounds,
                                trainer.config.truncated_tail, subset)):
        trainer.policy.zero_grad()
        loss, _ = surrogate_loss(logits, batch.actions, adv, 0.01)
        loss.backward()
        grads.append([p.grad.clone() for p in trainer.policy.parameters()])
    for plain, coded in zip(*grads):
        assert torch.allclose(plain, coded, rtol=1e-4, atol=1e-6)


def test_the_state_baseline_reads_the_features_of_the_steps_the_update_uses():
    """On features, the recorded states are the observations themselves, step for step, over
    several rounds and with a tail left out; on pixels, V(s) reads 8 features per step."""
    from flappy_pg.agents.reinforce.state_baseline import kept_states
    from flappy_pg.agents.reinforce.trainer import flatten
    config = TrainConfig(**{**TINY, "train_max_score": 2}, baseline="state", truncated_tail=5)
    trainer = Trainer(config)

    def act(obs):  # every other game steers through the gaps, the rest never flap
        return np.where(np.arange(len(obs)) % 2 == 0, obs[:, 4] < 0.02, False).astype(np.int64)
    rounds = [trainer.play_round(act) for _ in range(3)]
    assert any(r.truncated.any() for r in rounds)
    batch = flatten(rounds, config)
    assert torch.equal(kept_states(trainer.recorder, rounds, config.truncated_tail),
                       batch.observations)
    pixels = Trainer(TrainConfig(**TINY, obs="pixels", pixel_net="mlp", baseline="state"))
    assert pixels.value(torch.zeros(5, 8)).shape == (5,)
    stats = pixels.step()
    assert np.isfinite(stats["value_loss"]) and pixels.recorder.states[0].shape[1] == 8
