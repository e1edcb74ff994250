"""Death replays: a replayed game goes on from the state its death was saved at, exactly as the
game it came from, and a run with replays resumes to the same next update."""

import numpy as np
import pytest

from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.reinforce.death_replays import DeathBank, DeathRecorder
from flappy_pg.agents.reinforce.trainer import Trainer
from flappy_pg.agents.rollout import play_games
from flappy_pg.errors import CheckpointError
from flappy_pg.game.config import GameConfig, RewardConfig
from flappy_pg.game.core import GameBatch, Physics, episode_keys
from flappy_pg.game.observation import Features


def clumsy(observations):  # a fixed autopilot: crashes after 1 to 16 pipes, or reaches 20
    return (observations[:, 4] < 0.06).astype(np.int64)


def fresh_games(physics, keys):
    games = GameBatch(physics, len(keys))
    games.reset(np.arange(len(keys)), keys)
    return games


def test_a_replay_starts_two_pipes_before_the_death_and_plays_the_same_game_to_it():
    config = GameConfig()
    physics, features, rewards = Physics(config), Features(config), RewardConfig()
    keys = episode_keys(7, 0, 16)
    recorder = DeathRecorder(fresh_games(physics, keys))
    first = play_games(fresh_games(physics, keys), features, rewards, clumsy, np.full(16, 20),
                       watch=recorder)
    died = np.flatnonzero(~first.truncated)
    assert len(died) >= 3
    bank = DeathBank(physics, size=64)
    bank.add(recorder.found)
    assert bank.count == len(died)
    starts = bank.states.select(np.arange(bank.count))
    # in the order the games died, each saved as it passed the pipe before the last it passed
    # (two pipes before the one it hit), or at its start
    order = died[np.argsort(first.lengths[died], kind="stable")]
    assert starts.key.tolist() == keys[order].tolist()
    assert starts.score.tolist() == np.maximum(first.scores[order] - 1, 0).tolist()
    started_at = starts.t.copy()  # the batch plays on in place
    again = play_games(starts, features, rewards, clumsy, np.full(len(order), 20))
    assert again.scores.tolist() == first.scores[order].tolist() and not again.truncated.any()
    assert (started_at + again.lengths).tolist() == first.lengths[order].tolist()


def test_replays_fill_the_last_share_of_the_games_capped_past_their_start():
    physics = Physics(GameConfig())
    bank = DeathBank(physics, size=8)
    games = fresh_games(physics, episode_keys(0, 0, 8))
    caps = np.full(8, 100)
    rng = np.random.default_rng(0)
    assert not bank.start_replays(games, caps, 0.25, 12, rng).any()  # an empty bank: none
    assert rng.bit_generator.state == np.random.default_rng(0).bit_generator.state
    saved = games.select(np.arange(3))
    saved.score[:] = [5, 6, 7]
    bank.add([saved])
    replayed = bank.start_replays(games, caps, 0.25, 12, rng)
    assert replayed.tolist() == [False] * 6 + [True] * 2
    assert set(games.score[6:].tolist()) <= {5, 6, 7}
    assert caps[6:].tolist() == (games.score[6:] + 12).tolist() and (caps[:6] == 100).all()


def test_the_bank_keeps_the_latest_deaths_and_refuses_a_damaged_save():
    physics = Physics(GameConfig())
    bank = DeathBank(physics, size=4)
    games = fresh_games(physics, episode_keys(1, 0, 6))
    bank.add([games.select(np.arange(3)), games.select(np.arange(3, 6))])
    assert bank.count == 4 and sorted(bank.states.key.tolist()) == sorted(games.key[2:].tolist())
    restored = DeathBank(physics, size=4)
    restored.load_payload(bank.to_payload())
    assert restored.states.key.tolist() == bank.states.key.tolist() and restored.next == bank.next
    broken = {**bank.to_payload(), "next": 9}
    with pytest.raises(CheckpointError, match="death replays"):
        restored.load_payload(broken)


def test_a_run_with_replays_resumes_to_the_same_next_update(tmp_path):
    config = TrainConfig(games=8, hidden=(8,), eval_every_steps=0, torch_threads=1,
                         value_steps=2, replay_share=0.5, replay_pipes=3)
    trainer = Trainer(config)
    first = trainer.step()
    assert first["replays"] == 0 and trainer.deaths.count > 0
    assert trainer.step()["replays"] == 4
    trainer.save(tmp_path / "latest.pt")
    resumed = Trainer.restore(tmp_path / "latest.pt", {})
    a, b = trainer.step(), resumed.step()
    for key in ("env_steps", "score_mean", "policy_loss", "replays"):
        assert a[key] == b[key]


def test_the_deaths_of_replayed_games_are_not_banked_again():
    config = GameConfig()
    physics = Physics(config)
    keys = episode_keys(7, 0, 16)
    games = fresh_games(physics, keys)
    replayed = np.arange(16) >= 8
    recorder = DeathRecorder(games, replayed)
    episodes = play_games(games, Features(config), RewardConfig(), clumsy, np.full(16, 20),
                          watch=recorder)
    kept = sorted(k for states in recorder.found for k in states.key.tolist())
    assert kept == sorted(keys[:8][~episodes.truncated[:8]].tolist())
    assert (~episodes.truncated[8:]).any()  # the replayed half died too, unbanked


def test_a_bank_saved_at_another_size_is_taken_at_that_size():
    physics = Physics(GameConfig())
    bank = DeathBank(physics, size=6)
    bank.add([fresh_games(physics, episode_keys(2, 0, 4))])
    other = DeathBank(physics, size=3)
    other.load_payload(bank.to_payload())
    assert (other.size, other.count) == (6, 4)
    assert other.states.key.tolist() == bank.states.key.tolist()
