"""The Gymnasium envs: registration, API checks, determinism, single/vector equivalence, bounds,
episode ends and bad input."""

import subprocess
import sys
import warnings

import gymnasium as gym
import numpy as np
import pytest

import flappy_pg
from flappy_pg.envs.single import FlappyBirdEnv
from flappy_pg.envs.vector import FlappyBirdVectorEnv
from flappy_pg.errors import ConfigError
from tests.conftest import autopilot


def test_make_without_prior_import_works():
    code = ("import gymnasium as gym; env = gym.make('flappy_pg:flappy_pg/FlappyBird-v0'); "
            "print(env.spec.max_episode_steps, env.reset(seed=1)[0].shape)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(flappy_pg.MAX_EPISODE_STEPS), "(8,)"]


@pytest.mark.parametrize("first", ["flappy_bird_gymnasium", "flappy_pg"])
def test_namespaced_id_is_ours_in_either_import_order_beside_flappy_bird_gymnasium(first):
    pytest.importorskip("flappy_bird_gymnasium")
    second = "flappy_pg" if first == "flappy_bird_gymnasium" else "flappy_bird_gymnasium"
    code = (f"import warnings, gymnasium as gym\n"
            f"with warnings.catch_warnings(record=True) as caught:\n"
            f"    warnings.simplefilter('always')\n"
            f"    import {first}, {second}\n"
            f"print(type(gym.make('flappy_pg/FlappyBird-v0').unwrapped).__module__)\n"
            f"print(type(gym.make('flappy_pg:flappy_pg/FlappyBird-v0').unwrapped).__module__)\n"
            f"vec = gym.make_vec('flappy_pg/FlappyBird-v0', 2, vectorization_mode='vector_entry_point')\n"
            f"print(type(vec).__module__)\n"
            f"print(any('use \\'flappy_pg/FlappyBird-v0\\'' in str(w.message) for w in caught))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.split()
    assert lines[:3] == ["flappy_pg.envs.single", "flappy_pg.envs.single", "flappy_pg.envs.vector"]
    assert lines[3] == str(first == "flappy_bird_gymnasium")  # ours warns when the id is taken


def test_gymnasium_check_env_passes_without_warnings():
    from gymnasium.utils.env_checker import check_env
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(gym.make("flappy_pg/FlappyBird-v0").unwrapped, skip_render_check=True)


def test_stable_baselines3_check_env_passes():
    sb3_checker = pytest.importorskip("stable_baselines3.common.env_checker")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sb3_checker.check_env(FlappyBirdEnv())
    env = FlappyBirdEnv()
    env.reset(seed=0)
    _, reward, terminated, truncated, _ = env.step(0)
    assert type(reward) is float and type(terminated) is bool and type(truncated) is bool


def rollout(env, seed, steps=400, flap_probability=0.1):
    rng = np.random.default_rng(seed)
    obs, _ = env.reset(seed=seed)
    trace = [obs]
    for _ in range(steps):
        obs, reward, terminated, truncated, info = env.step(int(rng.random() < flap_probability))
        trace.append(np.append(obs, [reward, terminated, truncated, info["score"]]))
        if terminated or truncated:
            obs, _ = env.reset()
            trace.append(obs)
    return trace


def test_same_seed_same_game_other_seed_other_pipes():
    a = rollout(gym.make("flappy_pg/FlappyBird-v0"), seed=3)
    b = rollout(gym.make("flappy_pg/FlappyBird-v0"), seed=3)
    c = rollout(gym.make("flappy_pg/FlappyBird-v0"), seed=4)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert any(not np.array_equal(x, y) for x, y in zip(a, c))


@pytest.mark.parametrize("easier", [{"pipe_gap": 150}, {"pipe_gap": 150, "pipe_spacing": 148,
                                               "pipe_spacing_swing": 4, "bird_shape": "sprite"}])
def test_vector_env_reproduces_single_envs_exactly(easier):
    n, seed, steps = 6, 10, 1500
    vector = gym.make_vec("flappy_pg/FlappyBird-v0", num_envs=n, vectorization_mode="vector_entry_point",
                          max_episode_steps=300, config=easier)
    singles = [gym.make("flappy_pg/FlappyBird-v0", max_episode_steps=300, config=easier) for _ in range(n)]
    vobs, _ = vector.reset(seed=seed)
    sobs = [env.reset(seed=seed + i)[0] for i, env in enumerate(singles)]
    assert np.array_equal(vobs, np.stack(sobs))
    rng = np.random.default_rng(0)
    needs_reset = [False] * n
    episodes_seen = truncations = 0
    for _ in range(steps):
        actions = (rng.random(n) < 0.09).astype(np.int64)
        actions[n // 2:] = [autopilot(o) for o in vobs[n // 2:]]  # these games reach the limit
        vobs, vrew, vterm, vtrunc, info = vector.step(actions)
        for i, env in enumerate(singles):
            if needs_reset[i]:  # next-step autoreset: this step is the reset
                obs, _ = env.reset()
                reward, terminated, truncated = 0.0, False, False
            else:
                obs, reward, terminated, truncated, _ = env.step(int(actions[i]))
            assert np.array_equal(vobs[i], obs)
            assert (vrew[i], vterm[i], vtrunc[i]) == (reward, terminated, truncated)
            needs_reset[i] = terminated or truncated
        truncations += vtrunc.sum()
        episodes_seen += (vterm | vtrunc).sum()
        assert "episode" not in info  # left to Gymnasium's RecordEpisodeStatistics
    assert episodes_seen > 10 and truncations > 0


@pytest.mark.parametrize("config", [None, {"pipe_gap": 60, "flap_speed": -15.0},
                                    {"gravity": 2.5, "pipe_speed": 9, "pipe_spacing": 200}])
def test_observations_stay_inside_the_box_over_long_random_play(config):
    env = FlappyBirdVectorEnv(num_envs=64, config=config)
    space = env.single_observation_space
    obs, _ = env.reset(seed=0)
    rng = np.random.default_rng(1)
    flap_probability = np.linspace(0.0, 0.6, 64)
    low, high = obs.min(axis=0), obs.max(axis=0)
    for _ in range(3000):
        obs, *_ = env.step((rng.random(64) < flap_probability).astype(np.int64))
        low, high = np.minimum(low, obs.min(axis=0)), np.maximum(high, obs.max(axis=0))
    assert np.all(low >= space.low) and np.all(high <= space.high)
    assert obs.dtype == np.float32


def test_step_limit_truncates_and_is_not_a_death():
    env = gym.make("flappy_pg/FlappyBird-v0", max_episode_steps=80)
    obs, _ = env.reset(seed=0)
    for _ in range(80):
        obs, reward, terminated, truncated, _ = env.step(autopilot(obs))
        assert not terminated
    assert truncated and reward > 0


def test_score_cap_truncates():
    env = gym.make("flappy_pg/FlappyBird-v0", config={"pipe_gap": 200}, max_score=2)
    obs, _ = env.reset(seed=0)
    rewards = []
    for _ in range(400):
        obs, reward, terminated, truncated, info = env.step(autopilot(obs))
        rewards.append(reward)
        if terminated or truncated:
            break
    assert truncated and not terminated and info["score"] == 2
    assert rewards.count(1.1) == 2 and sum(rewards) == pytest.approx(0.1 * len(rewards) + 2)


def test_crash_gives_the_death_reward_and_terminates():
    env = gym.make("flappy_pg/FlappyBird-v0", rewards={"alive": 0.5, "pipe": 2.0, "death": -5.0})
    env.reset(seed=0)
    for _ in range(200):
        _, reward, terminated, truncated, info = env.step(0)
        if terminated:
            break
    assert terminated and not truncated and reward == -5.0 and info["score"] == 0


def test_gymnasiums_record_episode_statistics_wraps_the_vector_env():
    """CleanRL-style scripts add the standard wrapper by habit: its figures must be right."""
    from gymnasium.wrappers.vector import RecordEpisodeStatistics
    env = RecordEpisodeStatistics(gym.make_vec("flappy_pg/FlappyBird-v0", num_envs=3,
                                               vectorization_mode="vector_entry_point"))
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    total, length, finished = np.zeros(3), np.zeros(3, dtype=int), 0
    resetting = np.zeros(3, dtype=bool)
    for _ in range(400):
        _, reward, terminated, truncated, info = env.step((rng.random(3) < 0.08).astype(np.int64))
        total[resetting], length[resetting] = 0, 0
        total[~resetting] += reward[~resetting]
        length[~resetting] += 1
        done = terminated | truncated
        if done.any():
            assert np.array_equal(info["_episode"], done)
            assert np.allclose(info["episode"]["r"][done], total[done])
            assert np.array_equal(info["episode"]["l"][done], length[done])
            finished += done.sum()
        resetting = done
    assert finished >= 3
    assert env.metadata["autoreset_mode"] == gym.vector.AutoresetMode.NEXT_STEP


@pytest.mark.parametrize("action", [2, -1, 0.5, "flap", None, np.array([1, 0])])
def test_unknown_action_is_refused(action):
    env = gym.make("flappy_pg/FlappyBird-v0")
    env.reset(seed=0)
    with pytest.raises(gym.error.InvalidAction, match="unknown action"):
        env.step(action)


def test_numpy_actions_are_accepted_as_the_same_actions():
    plain, numpy = gym.make("flappy_pg/FlappyBird-v0"), gym.make("flappy_pg/FlappyBird-v0")
    plain.reset(seed=0)
    numpy.reset(seed=0)
    for action, as_numpy in ((1, np.int64(1)), (0, np.array(0)), (1, np.uint8(1))):
        expected, got = plain.step(action), numpy.step(as_numpy)
        assert np.array_equal(expected[0], got[0]) and expected[1:4] == got[1:4]


def test_step_after_the_end_needs_a_reset():
    env = FlappyBirdEnv()
    env.reset(seed=0)
    terminated = False
    while not terminated:
        _, _, terminated, _, _ = env.step(0)
    with pytest.raises(gym.error.ResetNeeded):
        env.step(0)


def test_vector_env_refuses_bad_actions_and_bad_settings():
    env = FlappyBirdVectorEnv(num_envs=2)
    with pytest.raises(gym.error.ResetNeeded):
        env.step(np.zeros(2, dtype=np.int64))
    env.reset(seed=0)
    for bad in (np.array([0, 2]), np.array([0]), np.array([0.5, 1.0]), np.array([-1, 0])):
        with pytest.raises(gym.error.InvalidAction):
            env.step(bad)
    for kwargs in ({"num_envs": 0}, {"max_score": 0}, {"max_episode_steps": -3},
                   {"config": {"pipe_gap": -1}}, {"rewards": {"alive": float("nan")}}):
        with pytest.raises(ConfigError):
            FlappyBirdVectorEnv(**{"num_envs": 2, **kwargs})


def test_vector_reset_mask_resets_only_the_chosen_games():
    env = FlappyBirdVectorEnv(num_envs=3)
    env.reset(seed=0)
    for _ in range(5):
        obs, *_ = env.step(np.zeros(3, dtype=np.int64))
    reset_obs, _ = env.reset(options={"reset_mask": np.array([False, True, False])})
    assert np.array_equal(reset_obs[[0, 2]], obs[[0, 2]])
    assert env.games.t.tolist() == [5, 0, 5]
