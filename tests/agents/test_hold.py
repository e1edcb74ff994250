"""The hold (`hold_games`, `hold_lr`): it begins after the first batch in which `hold_share` of
the new games (by default 90%; with pixels all) reached the training cap, then rounds play
`hold_games` games at `hold_lr`, and a run resumed while holding makes the same next update."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from flappy_pg.agents.reinforce.checkpoint import holding_since_of
from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.reinforce.trainer import Trainer
from flappy_pg.errors import CheckpointError

SMALL = dict(games=4, train_max_score=2, hidden=(8,), seed=5)


def batch_round(truncated, replayed=None):
    truncated = np.array(truncated)
    replayed = np.zeros(len(truncated), bool) if replayed is None else np.array(replayed)
    return SimpleNamespace(truncated=truncated, replayed=replayed)


def test_the_hold_begins_once_every_new_game_of_a_batch_reached_the_cap():
    trainer = Trainer(TrainConfig(**SMALL, hold_games=8, hold_lr=1e-4, hold_share=1.0))
    trainer.state.env_steps = 1234
    assert not trainer.begin_hold([batch_round([True, False, True, True])])
    assert trainer.holding_since is None
    # a replayed game's death is not a new game's: it does not keep the hold off
    assert trainer.begin_hold([batch_round([True, True]), batch_round([True, False], [False, True])])
    assert trainer.holding_since == 1234
    assert not trainer.begin_hold([batch_round([True, True])])  # it begins once
    assert trainer.holding_since == 1234


def test_the_hold_begins_once_the_hold_share_of_new_games_reached_the_cap():
    trainer = Trainer(TrainConfig(**SMALL, hold_games=8, hold_share=0.75))
    trainer.state.env_steps = 99
    # 2 of 4 new games capped (the replayed game's cap does not count): not yet
    assert not trainer.begin_hold([batch_round([True, False, True, False], [True, False, False,
                                                                             False])])
    assert trainer.begin_hold([batch_round([True, False, True, True])])  # 3 of 4
    assert trainer.holding_since == 99


def test_a_checkpoint_saved_before_the_hold_share_waited_for_every_game():
    saved = TrainConfig(**SMALL, hold_games=8).to_dict()
    del saved["hold_share"]
    assert TrainConfig.from_dict(saved).hold_share == 1.0


def test_the_features_default_hold_lowers_the_rate_after_a_batch_nine_tenths_capped():
    config = TrainConfig(**SMALL)
    assert (config.hold_games, config.hold_lr, config.hold_share) == (0, 1e-3, 0.9)
    trainer = Trainer(TrainConfig(**{**SMALL, "games": 10}))
    assert not trainer.begin_hold([batch_round([True] * 8 + [False] * 2)])
    assert trainer.begin_hold([batch_round([True] * 9 + [False])])
    held = trainer.step()
    assert held["lr"] == pytest.approx(1e-3)
    assert len(held["episode_lengths"]) == 10  # the same games, at the lower rate


def test_pixels_hold_only_once_every_new_game_reached_the_cap():
    assert TrainConfig.for_obs("pixels").hold_share == 1.0


def test_without_hold_settings_the_run_never_holds():
    trainer = Trainer(TrainConfig(**SMALL, hold_lr=0.0))
    assert not trainer.begin_hold([batch_round([True, True, True, True])])
    assert trainer.holding_since is None


def test_holding_rounds_play_the_hold_games_at_the_hold_rate():
    trainer = Trainer(TrainConfig(**SMALL, hold_games=6, hold_lr=2e-4))
    first = trainer.step()
    assert first["lr"] == pytest.approx(3e-3) and len(first["episode_lengths"]) == 4
    trainer.holding_since = trainer.state.env_steps
    held = trainer.step()
    assert held["lr"] == pytest.approx(2e-4) and len(held["episode_lengths"]) == 6


def test_the_hold_rate_is_halved_with_the_schedule():
    trainer = Trainer(TrainConfig(**SMALL, hold_lr=2e-4, lr_half_life_steps=1000))
    trainer.holding_since, trainer.state.env_steps = 0, 2000
    trainer.schedule_learning_rate()
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(5e-5)


def test_a_run_resumed_while_holding_makes_the_same_next_update(tmp_path):
    trainer = Trainer(TrainConfig(**SMALL, hold_games=6, hold_lr=2e-4))
    trainer.step()
    trainer.holding_since = trainer.state.env_steps
    trainer.step()
    trainer.save(tmp_path / "latest.pt")
    resumed = Trainer.restore(tmp_path / "latest.pt", {})
    assert resumed.holding_since == trainer.holding_since
    a, b = trainer.step(), resumed.step()
    assert a["env_steps"] == b["env_steps"] and a["policy_loss"] == b["policy_loss"]
    for p, q in zip(trainer.policy.parameters(), resumed.policy.parameters()):
        assert torch.equal(p, q)


@pytest.mark.parametrize("since", [-1, 2.5, True, "10"])
def test_a_damaged_hold_start_is_refused(since):
    with pytest.raises(CheckpointError, match="hold start"):
        holding_since_of({"holding_since": since})


def test_a_checkpoint_saved_before_the_hold_never_held():
    assert holding_since_of({}) is None
