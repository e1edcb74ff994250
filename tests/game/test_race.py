"""A race is N single games on one pipe key: the same pipes, scores and crash frames, and no
bird's crash touches another."""

import numpy as np

from flappy_pg.game.config import GameConfig
from flappy_pg.game.core import Physics, ScalarOps, SingleGame, draw_key
from flappy_pg.game.observation import Features
from flappy_pg.game.race import Race
from tests.conftest import autopilot


def single_run(config, key, policy, frames):
    """(score, crash frame or -1, gap tops met) of one SingleGame on `key`."""
    game = SingleGame(Physics(config, ScalarOps))
    game.reset(key)
    gaps = []
    for frame in range(1, frames + 1):
        game.step(policy(game, frame))
        gaps.append(game.next_gap)
        if game.crashed:
            return game.score, frame, gaps
    return game.score, -1, gaps


def test_every_bird_meets_the_pipes_a_single_game_on_that_seed_meets():
    config = GameConfig()
    key = draw_key(np.random.default_rng(42))
    race = Race(config, 3)
    race.reset(key)
    _, _, single_gaps = single_run(config, key, lambda g, f: False, 400)
    for frame in range(len(single_gaps)):
        race.step(np.zeros(3, dtype=bool))
        if not race.crashed.all():
            assert (race.games.next_gap[race.flying] == single_gaps[frame]).all()
    assert (race.games.key == np.uint64(key)).all()


def test_scores_and_crash_frames_equal_separate_single_games():
    config = GameConfig(pipe_gap=150)
    key = draw_key(np.random.default_rng(7))
    # three flap patterns: never (crashes early), every 8th frame, and a scripted pilot
    patterns = [lambda t: False, lambda t: t % 8 == 0]
    race = Race(config, 3)
    race.reset(key)
    single = [single_run(config, key, lambda g, f, p=p: p(f), 3000) for p in patterns]
    pilot = SingleGame(Physics(config, ScalarOps))
    pilot.reset(key)
    features = Features(config, np)
    for frame in range(1, 3001):
        obs = features.of_batch(race.games)
        flaps = np.array([patterns[0](frame), patterns[1](frame), bool(autopilot(obs[2]))])
        race.step(flaps)
        if race.out.all():
            break
    for bird, (score, crash_frame, _) in enumerate(single):
        assert race.scores[bird] == score
        assert race.crash_frame[bird] == crash_frame
    assert race.scores[2] > race.scores[1] >= race.scores[0]


def test_a_crash_never_stops_another_bird():
    config = GameConfig(pipe_gap=150)
    race = Race(config, 2)
    race.reset(draw_key(np.random.default_rng(3)))
    features = Features(config, np)
    y_after_crash = None
    for _ in range(2000):
        obs = features.of_batch(race.games)
        race.step(np.array([False, bool(autopilot(obs[1]))]))  # bird 0 never flaps: falls
        if race.crashed[0] and y_after_crash is None:
            y_after_crash, score0 = race.games.y[0], race.scores[0]
    assert race.crashed[0] and not race.crashed[1]
    assert race.games.y[0] == y_after_crash and race.scores[0] == score0  # stays where it fell
    assert race.scores[1] > 5  # the other flew on
