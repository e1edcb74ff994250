"""Files saved by older versions, one test per saved format and version: each still loads with
the settings it was trained under."""

import dataclasses

import pytest

from flappy_pg.agents.qlearning.config import QConfig
from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.errors import CheckpointError
from flappy_pg.game.config import GameConfig


def saved_train_config(drop: tuple[str, ...], **extra) -> dict:
    values = TrainConfig().to_dict()
    for name in drop:
        del values[name]
    return {**values, **extra}


def test_a_game_of_0_1_without_shape_and_swing_is_the_box_game_with_even_spacing():
    old = {k: v for k, v in GameConfig().to_dict().items()
           if k not in ("bird_shape", "pipe_spacing_swing")}
    game = GameConfig.from_dict(old)
    assert game.bird_shape == "box" and game.pipe_spacing_swing == 0
    assert GameConfig.from_dict({"pipe_gap": 120}).bird_shape == GameConfig().bird_shape  # partial


def test_a_train_config_of_0_1_evaluated_on_a_clock_and_lacked_the_later_settings():
    old = saved_train_config(("eval_every_steps", "truncated_tail", "obs", "extreme_gap_share",
                              "entropy_floor"), eval_every=30.0)
    config = TrainConfig.from_dict(old)
    assert (config.truncated_tail, config.obs, config.extreme_gap_share, config.entropy_floor) \
        == (0, "features", 0.0, 0.0)
    assert config.eval_every_steps == TrainConfig().eval_every_steps


@pytest.mark.parametrize("added", ["truncated_tail", "extreme_gap_share", "entropy_floor"])
def test_a_train_config_saved_before_one_setting_existed_runs_as_it_did(added):
    config = TrainConfig.from_dict(saved_train_config((added,)))
    assert getattr(config, added) == {"truncated_tail": 0, "extreme_gap_share": 0.0,
                                      "entropy_floor": 0.0}[added]


def test_a_pixel_config_saved_before_pixel_net_existed_is_the_cnn():
    old = saved_train_config(("pixel_net", "pixel_columns", "pixel_rows", "pixel_past_columns"),
                             obs="pixels", games=16, train_max_score=30)
    assert TrainConfig.from_dict(old).pixel_net == "cnn"


def test_a_checkpoint_of_0_1_without_a_round_counter_is_not_resumable():
    from flappy_pg.agents.reinforce.migrations import resumable_rounds
    with pytest.raises(CheckpointError, match="0.1"):
        resumable_rounds({"actions": {}})
    with pytest.raises(CheckpointError, match="whole number"):
        resumable_rounds({"rounds": -1})
    assert resumable_rounds({"rounds": 7}) == 7


def test_a_q_config_saved_before_the_focused_grid_and_on_a_clock_is_uniform():
    old = {k: v for k, v in dataclasses.asdict(QConfig()).items()
           if k not in ("grid", "eval_every_steps")}
    config = QConfig.from_dict({**old, "eval_every": 20.0, "next_cell": 0, "cell": 10})
    assert config.grid == "uniform" and config.eval_every_steps == QConfig().eval_every_steps
