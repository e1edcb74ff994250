"""The tabular Q-learning baseline: binning, the update rule, tables on disk, a short run."""

import numpy as np
import pytest

from flappy_pg.config import GameConfig
from flappy_pg.errors import CheckpointError
from flappy_pg.evaluate import evaluate
from flappy_pg.qlearning import (Binning, QConfig, QLearner, backward_update, load_table,
                                 q_update, restore_learner, save_table, table_actor)


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
    from flappy_pg.vector_env import FlappyBirdVectorEnv
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
    resumed = restore_learner(tmp_path / "q.npz", {"max_steps": 5})
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
    config = QConfig(games=32, seed=0, alpha=0.7, game={"pipe_gap": 180}, train_max_score=20)
    learner = QLearner(config)
    before = evaluate(table_actor(learner.q, learner.binning), config.game_config, episodes=16,
                      max_score=20).mean
    for _ in range(40):
        learner.step(100)
    after = evaluate(table_actor(learner.q, learner.binning), config.game_config, episodes=16,
                     max_score=20).mean
    assert before == 0 and after >= 3
