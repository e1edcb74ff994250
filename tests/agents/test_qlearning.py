"""The tabular Q-learning baseline: binning, the update rule, tables on disk, a short run."""

import numpy as np
import pytest

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.qlearning.algorithm import (
    QLearner,
    backward_update,
    q_update,
    table_actor,
)
from flappy_pg.agents.qlearning.binning import Binning
from flappy_pg.agents.qlearning.config import QConfig
from flappy_pg.agents.qlearning.table import load_table, save_table
from flappy_pg.errors import CheckpointError
from flappy_pg.game.config import GameConfig


def observation(dx_px, dy_px, speed, config=GameConfig()):
    obs = np.zeros(8, dtype=np.float32)
    obs[2] = dx_px / config.screen_width
    obs[4] = dy_px / config.screen_height
    obs[1] = speed / config.max_fall_speed
    return obs


def test_binning_maps_states_to_the_intended_cells():
    b = Binning(GameConfig(), cell=10)
    i, j, k = b.shape

    def cell(dx, dy, v):
        return np.unravel_index(b.cells(observation(dx, dy, v)[None])[0], b.shape)

    base = cell(0, 0, 0)
    assert cell(9, 0, 0) == base and cell(10, 0, 0)[0] == base[0] + 1  # 10-pixel columns
    assert cell(0, 9, 0)[1] == base[1] and cell(0, 10, 0)[1] == base[1] + 1
    assert cell(0, -1, 0)[1] == base[1] - 1  # below the gap's bottom is its own row
    assert cell(0, 0, 1)[2] == base[2] + 1 and cell(0, 0, -9)[2] == 0
    assert cell(283, 0, 0)[0] == i - 1  # the farthest a pipe can be
    # every observation the env can produce falls inside the table
    from flappy_pg.envs.vector import FlappyBirdVectorEnv
    env = FlappyBirdVectorEnv(32)
    obs, _ = env.reset(seed=0)
    rng = np.random.default_rng(0)
    for _ in range(500):
        cells = b.cells(obs)
        assert cells.min() >= 0 and cells.max() < b.size
        dx, dy, v = b.pixels(obs)
        assert np.all(dx >= 0) and np.all(dy >= b.dy_min) and np.all(dy <= b.dy_max)
        obs, *_ = env.step((rng.random(32) < 0.1).astype(np.int64))


def test_q_update_by_hand():
    q = np.zeros((3, 2))
    q[2] = [4.0, 6.0]
    q_update(q, np.array([0]), np.array([1]), np.array([0.5]), np.array([2]), np.array([False]),
             alpha=0.5, gamma=0.9)
    assert q[0, 1] == pytest.approx(0.5 * (0.5 + 0.9 * 6.0))
    q_update(q, np.array([1]), np.array([0]), np.array([-1.0]), np.array([2]), np.array([True]),
             alpha=0.5, gamma=0.9)
    assert q[1, 0] == -0.5  # a terminal transition has no future


def test_backward_update_carries_the_end_to_the_start_in_one_sweep():
    q = np.zeros((3, 2))
    backward_update(q, [0, 1, 2], [1, 0, 1], [0.1, 0.1, -1.0], terminal=True, alpha=1.0, gamma=1.0)
    assert q[2, 1] == -1.0 and q[1, 0] == pytest.approx(0.1) and q[0, 1] == pytest.approx(0.2)
    q = np.zeros((3, 2))
    backward_update(q, [0, 1], [0, 0], [0.1, 0.1], terminal=False, alpha=1.0, gamma=1.0)
    assert q[1, 0] == 0.0 and q[0, 0] == pytest.approx(0.1)  # truncated: no target for the last


def test_table_round_trips_and_resumes(tmp_path):
    learner = QLearner(QConfig(games=8, seed=3))
    learner.step(200)
    save_table(learner, tmp_path / "q.npz")
    q, config, meta = load_table(tmp_path / "q.npz")
    assert np.array_equal(q, learner.q) and config == learner.config
    resumed = QLearner.restore(tmp_path / "q.npz", {"max_steps": 5})
    assert resumed.state.env_steps == learner.state.env_steps and resumed.config.max_steps == 5
    assert resumed.rng.random() == learner.rng.random()


def test_bad_tables_are_refused(tmp_path):
    with pytest.raises(CheckpointError, match="not found"):
        load_table(tmp_path / "missing.npz")
    (tmp_path / "junk.npz").write_bytes(b"junk" * 20)
    with pytest.raises(CheckpointError, match="not a readable"):
        load_table(tmp_path / "junk.npz")
    np.savez(tmp_path / "other.npz", q=np.zeros((4, 2)), meta=np.array('{"format": "x"}'))
    with pytest.raises(CheckpointError, match="not a flappy-pg"):
        load_table(tmp_path / "other.npz")
    np.savez(tmp_path / "pickled.npz", q=np.array([object()], dtype=object), meta=np.array("{}"))
    with pytest.raises(CheckpointError):
        load_table(tmp_path / "pickled.npz")
    learner = QLearner(QConfig(games=2, cell=20))
    save_table(learner, tmp_path / "ok.npz")
    with np.load(tmp_path / "ok.npz") as data:
        meta, rng = str(data["meta"]), data["rng"]
    np.savez(tmp_path / "shape.npz", q=np.zeros((7, 2)), meta=np.array(meta), rng=rng)
    with pytest.raises(CheckpointError, match="shape"):
        load_table(tmp_path / "shape.npz")


def test_short_training_learns_on_an_easy_game():
    config = QConfig(games=64, seed=0, game={"pipe_gap": 180}, train_max_score=20)  # defaults
    learner = QLearner(config)
    before = evaluate(table_actor(learner.q, learner.binning), config.game, episodes=16,
                      max_score=20).mean
    for _ in range(80):  # 512,000 env steps
        learner.step(100)
    after = evaluate(table_actor(learner.q, learner.binning), config.game, episodes=16,
                     max_score=20).mean
    assert before == 0 and after >= 15  # of the cap of 20 (18.7 when written)


def test_focused_grid_is_fine_near_the_pipe_and_the_gap_and_coarse_elsewhere():
    b = Binning(GameConfig(), cell=4, grid="focused")

    def cell(dx, dy, v=0):
        return np.unravel_index(b.cells(observation(dx, dy, v)[None])[0], b.shape)

    assert cell(3, 0)[0] == cell(0, 0)[0] and cell(4, 0)[0] == cell(0, 0)[0] + 1  # 4-px columns
    assert cell(100, 0)[0] == cell(119, 0)[0] != cell(120, 0)[0]  # 20-px columns beyond 100 px
    assert cell(0, 2)[1] == cell(0, 5)[1] != cell(0, 6)[1]  # 4-px rows around the gap
    assert cell(0, 110)[1] == cell(0, 139)[1] != cell(0, 140)[1]  # coarse rows above the band
    assert cell(0, -31)[1] == cell(0, -60)[1] != cell(0, -61)[1]  # and below it
    assert cell(0, 0, 1)[2] == cell(0, 0, 0)[2] + 1  # every speed its own bin
    assert cell(283, 500)[:2] == (b.shape[0] - 1, b.shape[1] - 1)
    assert cell(0, -500)[:2] == (0, 0)
    assert b.size < 40_000  # small enough to fill in seconds


def test_tables_saved_before_the_focused_grid_load_on_the_uniform_grid():
    saved = QConfig.classic().to_dict()
    del saved["grid"]
    assert QConfig.from_dict(saved).grid == "uniform"
    assert QConfig.from_dict({"seed": 1}).grid == "focused"  # partial settings: today's defaults


@pytest.mark.parametrize("games", [1, 8])
def test_crash_rewards_keep_every_value_between_minus_one_and_zero(games):
    learner = QLearner(QConfig(games=games, seed=2))
    learner.step(3000)
    assert learner.state.episodes > 0
    assert learner.q.max() == 0.0 and -1.0 <= learner.q.min() < 0.0


@pytest.mark.parametrize("next_cell,grid", [(0, "uniform"), (20, "uniform"), (0, "focused"),
                                            (20, "focused")])
def test_one_game_binning_agrees_with_the_batched_one(next_cell, grid):
    from flappy_pg.envs.vector import FlappyBirdVectorEnv
    b = Binning(GameConfig(), 10 if grid == "uniform" else 4, next_cell, grid)
    env = FlappyBirdVectorEnv(16)
    obs, _ = env.reset(seed=1)
    rng = np.random.default_rng(0)
    for _ in range(600):
        cells = b.cells(obs)
        assert cells.max() < b.size and [b.cell_of(o) for o in obs] == cells.tolist()
        obs, *_ = env.step((rng.random(16) < 0.08).astype(np.int64))


def test_the_gap_after_next_adds_a_dimension_that_tells_rises_from_drops():
    b = Binning(GameConfig(), 10, next_cell=20)
    assert len(b.shape) == 4
    low, high = observation(100, 0, 0), observation(100, 0, 0)
    low[6], high[6] = 0.2, -0.2  # gap after next 102 px below / above the next one
    low_cell, high_cell = b.cells(np.stack([low, high]))
    assert np.unravel_index(low_cell, b.shape)[3] > np.unravel_index(high_cell, b.shape)[3]


def test_classic_rewards_punish_the_end_and_the_flap_before_an_upper_crash():
    from flappy_pg.agents.qlearning.algorithm import classic_rewards
    actions = np.array([0, 1, 0, 1, 0, 0, 0])
    assert classic_rewards(actions, terminal=True, upper_crash=False).tolist() == \
        [1, 1, 1, 1, 1, -1000, -1000]
    assert classic_rewards(actions, terminal=True, upper_crash=True).tolist() == \
        [1, 1, 1, -1000, 1, -1000, -1000]
    assert classic_rewards(actions, terminal=False, upper_crash=True).tolist() == [1] * 7


def test_alpha_decays_with_visits():
    q, visits = np.zeros((2, 2)), np.zeros((2, 2), dtype=np.int64)
    for _ in range(3):
        backward_update(q, [0], [1], [1.0], terminal=True, alpha=1.0, gamma=1.0, visits=visits,
                        alpha_decay=1.0)
    # step sizes 1, 1/2, 1/3: the running mean of the targets, which are all 1
    assert visits[0, 1] == 3 and q[0, 1] == pytest.approx(1.0)
    q_update(q, np.array([1]), np.array([0]), np.array([2.0]), np.array([0]), np.array([True]),
             alpha=1.0, gamma=1.0, visits=visits, alpha_decay=1.0)
    assert q[1, 0] == 2.0 and visits[1, 0] == 1


def test_classic_preset_plays_one_game_greedily_and_stops_at_its_episode_budget():
    config = QConfig.classic(seed=0, max_episodes=30)
    assert (config.games, config.epsilon_start, config.gamma, config.rewards_scheme) == \
        (1, 0.0, 1.0, "classic")
    learner = QLearner(config)
    first = learner.step(100_000)
    assert learner.state.episodes == 30 and len(first["scores"]) == 30
    again = QLearner(config)
    again.step(100_000)
    assert np.array_equal(again.q, learner.q)  # deterministic for a seed
    assert (learner.visits > 0).any() and learner.q.min() < 0


def test_one_game_online_update_is_the_batch_update_on_numbers():
    from flappy_pg.agents.qlearning.algorithm import move_toward, q_update
    rng = np.random.default_rng(0)
    q = rng.normal(size=(6, 2))
    visits = rng.integers(0, 5, size=(6, 2))
    q2, visits2 = q.copy(), visits.copy()
    q_update(q, np.array([2]), np.array([1]), np.array([0.1]), np.array([4]), np.array([False]),
             0.7, 0.9, visits, alpha_decay=3.0)
    move_toward(q2, 2, 1, 0.1 + 0.9 * max(q2[4, 0], q2[4, 1]), 0.7, visits2, alpha_decay=3.0)
    assert np.allclose(q, q2) and (visits == visits2).all()


def test_one_game_online_learner_counts_every_step():
    learner = QLearner(QConfig(games=1, update="online", rewards_scheme="env", seed=3))
    learner.step(500)
    assert learner.visits.sum() == learner.state.env_steps == 500
    assert np.abs(learner.q).sum() > 0
