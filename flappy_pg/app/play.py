"""`flappy-pg play`: the game for a person, in a window at exactly 30 frames per second.

`PlaySession` is the game's flow (welcome, playing, game over) driven by key presses and one
`update()` per frame; `run_play` is the window loop around it. Best scores are kept per game
config in the user's data folder.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from flappy_pg.files import atomic_write_text
from flappy_pg.game.config import GameConfig
from flappy_pg.game.core import Physics, ScalarOps, SingleGame, draw_key
from flappy_pg.paths import user_data_dir
from flappy_pg.render.art import assets_dir
from flappy_pg.render.devices import quiet_stderr

WELCOME, PLAYING, GAME_OVER = "welcome", "playing", "game over"
RESTART_DELAY = 15  # frames after a crash before a key restarts, so a late flap doesn't skip the panel


def config_name(config: GameConfig) -> str:
    """A short stable name for a game config (the key of its best score)."""
    if config == GameConfig():
        return "original"  # the box/144 game that was the default before was keyed "classic"
    changed = {k: v for k, v in config.to_dict().items() if v != getattr(GameConfig(), k)}
    return ",".join(f"{k}={v}" for k, v in sorted(changed.items()))


def best_scores_file() -> Path:
    return user_data_dir() / "best_scores.json"


def best_key(config: GameConfig, against: str | None = None) -> str:
    """The best-score entry of a game config, alone or against one agent (its own record)."""
    return config_name(config) if against is None else f"{config_name(config)} against {against}"


def load_best(config: GameConfig, against: str | None = None) -> int:
    try:
        return int(json.loads(best_scores_file().read_text()).get(best_key(config, against), 0))
    except (OSError, ValueError, AttributeError, TypeError):
        return 0


def save_best(config: GameConfig, best: int, against: str | None = None) -> None:
    path = best_scores_file()
    try:
        scores = json.loads(path.read_text())
        if not isinstance(scores, dict):
            scores = {}
    except (OSError, ValueError):
        scores = {}
    scores[best_key(config, against)] = best
    atomic_write_text(path, json.dumps(scores, indent=1))


class PlaySession:
    """The game's flow for a person; `sounds` collects the sounds each frame should play."""

    def __init__(self, config: GameConfig, seed: int | None = None, best: int = 0):
        self.config = config
        self.game = SingleGame(Physics(config, ScalarOps))
        self.rng = np.random.default_rng(seed)
        self.state = WELCOME
        self.best = best
        self.frame = 0  # frames since the current screen began
        self.flap_requested = False
        self.sounds: list[str] = []

    def press_flap(self) -> None:
        """Space, up or a click: starts a game, flaps, or restarts after a crash."""
        if self.state == WELCOME:
            self.game.reset(draw_key(self.rng))
            self.state, self.frame = PLAYING, 0
            self.flap_requested = True
        elif self.state == PLAYING:
            self.flap_requested = True
        else:
            self.press_restart()

    def press_restart(self) -> None:
        if self.state == GAME_OVER and self.frame >= RESTART_DELAY:
            self.state, self.frame = WELCOME, 0

    def update(self) -> None:
        """Advance one frame."""
        self.frame += 1
        self.sounds = []
        if self.state != PLAYING:
            return
        if self.flap_requested:
            self.sounds.append("wing")
        passed = self.game.step(self.flap_requested)
        self.flap_requested = False
        if passed:
            self.sounds.append("point")
        if self.game.crashed:
            self.sounds.append("hit")
            self.state, self.frame = GAME_OVER, 0
            self.best = max(self.best, self.game.score)

    def draw(self, renderer) -> None:
        c, game = self.config, self.game
        if self.state == WELCOME:
            bob = 8 * math.sin(self.frame / 5)
            renderer.draw_world(self.frame, 0, pipes=False)
            renderer.draw_bird(c.bird_start_y + bob, -1.0 if bob < 0 else 0.0, self.frame)
            renderer.draw_centred("get_ready", 110)
            renderer.draw_panel(["Space, Up or click to flap", f"Best: {self.best}"], 300)
            return
        renderer.draw_world(game.t, game.key, game.y, game.vel)
        renderer.draw_score(game.score)
        if self.state == GAME_OVER:
            renderer.draw_centred("game_over", 130)
            new = "  New best!" if game.score == self.best and game.score > 0 else ""
            renderer.draw_panel([f"Score: {game.score}   Best: {self.best}{new}",
                                 "Space or R: play again", "Esc: quit"], 210)


class Sounds:
    """The wing, point and hit sounds; silent when muted or when there is no audio device."""

    def __init__(self, muted: bool, echo=print):
        self.sounds = {}
        if muted:
            return
        import pygame
        try:
            with quiet_stderr():
                pygame.mixer.init()
            folder = assets_dir()
            self.sounds = {n: pygame.mixer.Sound(str(folder / f"{n}.wav"))
                           for n in ("wing", "point", "hit")}
        except pygame.error:
            echo("no sound device: playing without sound (--mute hides this line)")
            self.sounds = {}

    def play(self, names: list[str]) -> None:
        for name in names:
            if name in self.sounds:
                self.sounds[name].play()


def handle_event(session: PlaySession, event, pygame) -> bool:
    """Apply one pygame event to the session; False when the player quits."""
    if event.type == pygame.QUIT:
        return False
    if event.type == pygame.KEYDOWN:
        if event.key == pygame.K_ESCAPE:
            return False
        if event.key in (pygame.K_SPACE, pygame.K_UP):
            session.press_flap()
        elif event.key in (pygame.K_r, pygame.K_RETURN):
            session.press_restart()
    elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
        session.press_flap()
    return True


def run_play(config: GameConfig, seed: int | None = None, muted: bool = False,
             record: str | None = None, max_frames: int | None = None, echo=print,
             against=None, against_id: str | None = None) -> int:
    """The window loop; returns the best score. `max_frames` stops it (for scripted runs).
    `against` (an `app.race.Racer`) races its ghost on the same pipes; the best score against
    it is kept apart, under `against_id`."""
    from flappy_pg.render.recording import Recorder
    from flappy_pg.render.renderer import Renderer

    recorder = Recorder(record) if record else None
    renderer = Renderer(config, window=True, title="flappy-pg")
    max_frames = renderer.frame_limit(record, max_frames, echo)
    pygame = renderer.pg
    if against is None:
        session = PlaySession(config, seed=seed, best=load_best(config))
    else:
        from flappy_pg.app.race import GhostSession
        session = GhostSession(config, against, seed=seed, best=load_best(config, against_id))
    sounds = Sounds(muted, echo)
    frames = 0
    try:
        running = True
        while running and (max_frames is None or frames < max_frames):
            for event in pygame.event.get():
                running = running and handle_event(session, event, pygame)
            best_before = session.best
            session.update()
            sounds.play(session.sounds)
            if session.best > best_before:
                save_best(config, session.best, against_id if against is not None else None)
            session.draw(renderer)
            renderer.show(recorder)
            frames += 1
    except KeyboardInterrupt:  # Ctrl-C quits like Esc; the recording is still written
        pass
    finally:
        renderer.close()
        if recorder:
            recorder.finish(echo)
    return session.best
