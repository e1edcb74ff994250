"""Pixel observations: where the renderer draws things, in the Box, single and vector alike."""

import warnings

import gymnasium as gym
import numpy as np
import pytest

import flappy_pg  # noqa: F401
from flappy_pg.envs.vector import FlappyBirdVectorEnv
from flappy_pg.errors import ConfigError
from flappy_pg.game.config import GameConfig
from flappy_pg.game.core import GameBatch, Physics
from flappy_pg.game.pixels import BIRD, CELL, PIPE, PixelFrames
from flappy_pg.render.renderer import Renderer


def played_batch(config, games=12, frames=160, seed=0):
    """Games part-way through, flapping to stay roughly inside the gaps, some crashed."""
    batch = GameBatch(Physics(config), games)
    batch.reset(np.arange(games), np.arange(games, dtype=np.uint64) * 7919 + 5)
    rng = np.random.default_rng(seed)
    stop = rng.integers(frames // 2, frames, games)
    for t in range(frames):
        target = batch.next_gap + config.pipe_gap * 0.6
        batch.step((batch.y + config.bird_height > target) & (t < stop) | (rng.random(games) < 0.02))
    return batch


@pytest.mark.parametrize("config", [GameConfig(), GameConfig(pipe_gap=150, pipe_spacing=100),
                                    GameConfig(pipe_gap=150, pipe_spacing=120, pipe_spacing_swing=25)])
def test_pipes_and_bird_sit_where_the_full_size_frame_has_them(config):
    batch = played_batch(config)
    frames = PixelFrames(config).of_batch(batch)
    renderer = Renderer(config)
    centre_y, centre_x = np.arange(frames.shape[1]) * CELL + 4, np.arange(frames.shape[2]) * CELL + 4
    above_ground = centre_y < int(config.ground_y)
    for i in range(batch.num_games):
        g = batch.game(i)
        renderer.draw_world(g.t, g.key, None, pipes=False)
        sky = renderer.frame()
        renderer.draw_world(g.t, g.key, None)
        with_pipes = renderer.frame()
        renderer.draw_world(g.t, g.key, g.y, g.vel)
        with_bird = renderer.frame()
        pipe_pixels = (with_pipes != sky).any(axis=2)[np.ix_(centre_y, centre_x)]
        bird_cells = frames[i] == BIRD
        visible = above_ground[:, None] & ~bird_cells
        assert np.array_equal((frames[i] == PIPE)[visible], pipe_pixels[visible])
        sprite = np.argwhere((with_bird != with_pipes).any(axis=2))
        if g.y + config.bird_height <= 0:  # above the screen: nothing drawn
            assert not bird_cells.any()
            continue
        cells = np.argwhere(bird_cells) * CELL + 4
        # The sprite is tilted and its corners are transparent: its drawn box and the bird's
        # cells agree to within a cell.
        assert np.abs(cells.mean(axis=0) - sprite.mean(axis=0)).max() < CELL
    renderer.close()


@pytest.mark.parametrize("obs_type", ["pixels", "pixel-pairs"])
@pytest.mark.parametrize("config", [None, {"pipe_spacing": 95, "pipe_gap": 150, "ground_y": 512.0,
                                            "bird_x": 120, "first_pipe_x": 300},
                                    {"pipe_spacing": 148, "pipe_spacing_swing": 4}])
def test_single_and_vector_pixel_frames_are_the_same_and_in_the_box(config, obs_type):
    n, seed = 4, 3
    vector = FlappyBirdVectorEnv(n, obs_type=obs_type, max_episode_steps=200, config=config)
    singles = [gym.make("flappy_pg/FlappyBird-v0", obs_type=obs_type, max_episode_steps=200,
                        config=config) for _ in range(n)]
    vobs, _ = vector.reset(seed=seed)
    sobs = [env.reset(seed=seed + i)[0] for i, env in enumerate(singles)]
    assert np.array_equal(vobs, np.stack(sobs))
    rng = np.random.default_rng(0)
    needs_reset = [False] * n
    for _ in range(400):
        actions = (rng.random(n) < 0.1).astype(np.int64)
        vobs, *_ , vtrunc, _ = vector.step(actions)
        for i, env in enumerate(singles):
            if needs_reset[i]:
                obs, _ = env.reset()
                needs_reset[i] = False
            else:
                obs, _, terminated, truncated, _ = env.step(int(actions[i]))
                needs_reset[i] = terminated or truncated
            assert np.array_equal(vobs[i], obs)
        assert vobs in vector.observation_space
    assert vector.single_observation_space.shape == ((64, 36) if obs_type == "pixels"
                                                     else (2, 64, 36))


def test_a_pair_shows_the_frame_a_step_ago_beside_the_frame_now():
    pairs = FlappyBirdVectorEnv(8, obs_type="pixel-pairs")
    frames = FlappyBirdVectorEnv(8, obs_type="pixels")
    pair, _ = pairs.reset(seed=5)
    frame, _ = frames.reset(seed=5)
    assert np.array_equal(pair[:, 1], frame)
    rng = np.random.default_rng(1)
    compared = 0
    for _ in range(500):
        actions = (rng.random(8) < 0.1).astype(np.int64)
        before = frame
        pair, _, terminated, truncated, _ = pairs.step(actions)
        frame, *_ = frames.step(actions)
        assert np.array_equal(pair[:, 1], frame)
        # a game that just started, or lies on the ground, has no frame a step ago to match
        moved = (pairs.games.t > 1) & (pairs.games.y < pairs.games.physics.lowest_y)
        assert np.array_equal(pair[moved, 0], before[moved])
        compared += moved.sum()
    assert compared > 2000


@pytest.mark.parametrize("columns", [(4, 24), (0, 7), (11, 36), (30, 60)])
@pytest.mark.parametrize("config", [GameConfig(), GameConfig(pipe_gap=150, pipe_spacing=100)])
def test_a_window_of_columns_draws_the_same_cells_as_the_whole_frame(config, columns):
    batch = played_batch(config, games=24)
    whole, window = PixelFrames(config, lookback=True), PixelFrames(config, lookback=True, columns=columns)
    expected = whole.of_batch(batch)[..., columns[0]:columns[1]]
    assert window.shape == expected.shape[1:]
    assert np.array_equal(window.of_batch(batch), expected)
    for i in range(batch.num_games):
        assert np.array_equal(window.of_game(batch.game(i)), whole.of_game(batch.game(i))[:, columns[0]:columns[1]])


@pytest.mark.parametrize("config", [GameConfig(), GameConfig(pipe_gap=150, pipe_spacing=100),
                                    GameConfig(pipe_gap=150, pipe_spacing=120, pipe_spacing_swing=25)])
def test_a_cut_lays_out_both_frames_at_once_as_it_would_each_alone(config):
    """Over the same columns, the past frames' drawer lays out the frames now in the same call
    (`PixelPairCut.layouts`): equal to each drawer on its own, at every step of played games."""
    from flappy_pg.game.pixels import PixelPairCut
    cut = PixelPairCut(config, (4, 24), (0, 64), (4, 24))
    assert cut.same_columns
    for frames in (40, 160, 400):
        batch = played_batch(config, games=24, frames=frames, seed=frames)
        together = cut.layouts(batch)
        alone = cut.past.batch_layout(batch, before=True), cut.now.batch_layout(batch)
        for a, b in zip(together, alone):
            for field in ("pattern", "top", "height"):
                assert np.array_equal(getattr(a, field), getattr(b, field))


def test_pixel_env_passes_both_checkers():
    from gymnasium.utils.env_checker import check_env
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(gym.make("flappy_pg/FlappyBird-v0", obs_type="pixels").unwrapped,
                  skip_render_check=True)
    sb3_checker = pytest.importorskip("stable_baselines3.common.env_checker")
    from flappy_pg.envs.single import FlappyBirdEnv
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SB3 notes the frame is not square: expected
        sb3_checker.check_env(FlappyBirdEnv(obs_type="pixels"))


def test_unknown_obs_type_is_one_clear_error():
    with pytest.raises(ConfigError, match="obs_type"):
        gym.make("flappy_pg/FlappyBird-v0", obs_type="rgb")
