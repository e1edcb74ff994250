"""Renderer and the game for a person, driven headless with scripted key events."""

import gymnasium as gym
import numpy as np
import pygame
import pytest

import flappy_pg  # noqa: F401
from flappy_pg.app.play import (
    GAME_OVER,
    PLAYING,
    RESTART_DELAY,
    WELCOME,
    PlaySession,
    handle_event,
    load_best,
    run_play,
    save_best,
)
from flappy_pg.errors import ConfigError
from flappy_pg.game.config import GameConfig
from flappy_pg.render.recording import Recorder
from flappy_pg.render.renderer import Renderer

EASY = GameConfig(pipe_gap=200)


def key(k):
    return pygame.event.Event(pygame.KEYDOWN, key=k)


def test_rgb_array_frames_show_the_state():
    env = gym.make("flappy_pg/FlappyBird-v0", render_mode="rgb_array")
    env.reset(seed=0)
    first = env.render()
    assert first.shape == (512, 288, 3) and first.dtype == np.uint8
    for _ in range(5):
        env.step(0)
    assert not np.array_equal(first, env.render())
    env.close()


def test_vector_env_renders_each_game_like_the_single_env():
    from flappy_pg.envs.vector import FlappyBirdVectorEnv
    vector = FlappyBirdVectorEnv(2, render_mode="rgb_array")
    vector.reset(seed=4)
    single = gym.make("flappy_pg/FlappyBird-v0", render_mode="rgb_array")
    single.reset(seed=5)
    for _ in range(30):
        vector.step(np.array([0, 0]))
        single.step(0)
    frames = vector.render()
    assert len(frames) == 2 and np.array_equal(frames[1], single.render())
    vector.close()


def test_bird_is_drawn_where_the_physics_puts_it():
    renderer = Renderer(GameConfig())
    renderer.draw_world(0, 1, pipes=False)
    empty = renderer.frame()
    renderer.draw_world(0, 1, y=200.0, vel=0.2, pipes=False)  # level flight: no tilt
    changed = np.argwhere(np.any(renderer.frame() != empty, axis=2))
    # the drawn bird fills exactly the 34 x 24 box the crash test uses
    assert changed.min(axis=0).tolist() == [200, 57] and changed.max(axis=0).tolist() == [223, 90]


def test_human_mode_draws_in_a_window():
    env = gym.make("flappy_pg/FlappyBird-v0", render_mode="human")
    env.reset(seed=0)
    env.step(1)
    assert env.render() is None
    env.close()


@pytest.mark.slow
def test_gymnasium_play_runs_our_env_unchanged():
    import threading

    from gymnasium.utils.play import play
    env = gym.make("flappy_pg/FlappyBird-v0", render_mode="rgb_array")
    assert env.unwrapped.get_keys_to_action() == {(ord(" "),): 1}
    pygame.init()
    stop = threading.Timer(1.0, lambda: pygame.event.post(pygame.event.Event(pygame.QUIT)))
    stop.start()
    play(env, fps=30, noop=0)  # returns when the window is closed
    stop.join()


def test_a_flap_moves_the_bird_up():
    session = PlaySession(GameConfig(), seed=0)
    assert handle_event(session, key(pygame.K_SPACE), pygame)
    assert session.state == PLAYING
    start = session.game.y
    session.update()
    assert session.game.y < start and session.sounds == ["wing"]
    for _ in range(8):
        session.update()
    falling_from = session.game.y
    handle_event(session, pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(0, 0)), pygame)
    session.update()
    assert session.game.y < falling_from


def play_until_crash(session, steer=True):
    for _ in range(5000):
        game = session.game
        if steer and game.y + 24 > game.next_gap + session.config.pipe_gap - 30:
            handle_event(session, key(pygame.K_UP), pygame)
        session.update()
        if session.state == GAME_OVER:
            return
        if game.score >= 3:
            steer = False  # let it crash


def test_crash_shows_game_over_and_restart_resets_the_score():
    session = PlaySession(EASY, seed=1)
    handle_event(session, key(pygame.K_SPACE), pygame)
    play_until_crash(session)
    assert session.state == GAME_OVER and session.game.score == 3 and session.best == 3
    assert "hit" in session.sounds
    renderer = Renderer(EASY)
    session.draw(renderer)
    with_panel = renderer.frame()
    renderer.draw_world(session.game.t, session.game.key, session.game.y, session.game.vel)
    renderer.draw_score(session.game.score)
    assert not np.array_equal(with_panel[130:300], renderer.frame()[130:300])
    handle_event(session, key(pygame.K_r), pygame)
    assert session.state == GAME_OVER  # too soon after the crash
    for _ in range(RESTART_DELAY):
        session.update()
    handle_event(session, key(pygame.K_r), pygame)
    assert session.state == WELCOME
    handle_event(session, key(pygame.K_SPACE), pygame)
    assert session.state == PLAYING and session.game.score == 0 and session.best == 3


def test_escape_and_window_close_quit():
    session = PlaySession(GameConfig())
    assert not handle_event(session, key(pygame.K_ESCAPE), pygame)
    assert not handle_event(session, pygame.event.Event(pygame.QUIT), pygame)


def test_best_score_persists_between_runs(tmp_home):
    assert load_best(EASY) == 0
    save_best(EASY, 7)
    save_best(GameConfig(), 2)
    assert load_best(EASY) == 7 and load_best(GameConfig()) == 2
    (tmp_home / "best_scores.json").write_text("not json")
    assert load_best(EASY) == 0  # a damaged file is not fatal


@pytest.mark.slow
def test_play_window_loop_runs_scripted_and_keeps_the_best(tmp_home):
    save_best(GameConfig(), 4)
    pygame.display.init()
    pygame.event.post(key(pygame.K_SPACE))
    assert run_play(GameConfig(), seed=0, muted=True, max_frames=60) == 4
    pygame.display.init()
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert run_play(GameConfig(), muted=True, max_frames=1000) == 4


def record_frames(path, frames: int):
    recorder = Recorder(path)
    renderer = Renderer(GameConfig())
    for t in range(frames):
        renderer.draw_world(t * 10, 5, 200.0 + t * 10, 1.0)
        recorder.add(renderer.frame())
    lines = []
    recorder.finish(lines.append)
    return lines


def test_recording_writes_a_full_size_gif_at_true_30_fps(tmp_path):
    from PIL import Image
    lines = record_frames(tmp_path / "out.gif", 30)
    assert lines == [f"recorded 30 frames (1.0 s at 30 fps) to {tmp_path / 'out.gif'}"]
    with Image.open(tmp_path / "out.gif") as gif:
        assert gif.n_frames == 30 and gif.size == (288, 512)
        durations = []
        for i in range(gif.n_frames):
            gif.seek(i)
            durations.append(gif.info["duration"])
    assert sum(durations) == 1000 and set(durations) <= {30, 40}
    assert not list(tmp_path.glob(".*tmp*"))
    with pytest.raises(ConfigError):
        Recorder(tmp_path / "out.mp3")


def test_recording_writes_an_mp4_video(tmp_path):
    imageio = pytest.importorskip("imageio.v2")
    pytest.importorskip("imageio_ffmpeg")
    record_frames(tmp_path / "out.mp4", 45)
    reader = imageio.get_reader(tmp_path / "out.mp4")
    frames = [frame for frame in reader]
    assert len(frames) == 45 and frames[0].shape == (512, 288, 3)
    assert reader.get_meta_data()["fps"] == 30


@pytest.mark.slow
def test_watch_loop_plays_episodes_with_the_overlay(tmp_path):
    from flappy_pg.app.watch import run_watch
    calls = []

    def agent(observation):
        calls.append(observation)
        return 0, "flap probability 0.25"  # never flaps: each episode ends on the ground

    pygame.display.init()
    pygame.event.post(key(pygame.K_RIGHT))  # faster: two frames per step
    scores = run_watch(agent, GameConfig(), label="test", seed=0, max_frames=150,
                       record=str(tmp_path / "watch.gif"))
    assert len(scores) >= 2 and all(s == 0 for s in scores)
    assert (tmp_path / "watch.gif").stat().st_size > 0


def test_watch_hands_a_pixel_agent_frame_pairs():
    from flappy_pg.app.watch import run_watch
    shapes = set()

    def agent(observation):
        shapes.add(observation.shape)
        return 0, "flap probability 0.00"

    pygame.display.init()
    run_watch(agent, GameConfig(), label="pixels", seed=0, max_frames=20, obs_type="pixel-pairs")
    assert shapes == {(2, 64, 36)}
