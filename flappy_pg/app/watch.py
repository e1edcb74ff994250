"""`flappy-pg watch`: an agent plays in the game window at 30 fps, with an overlay of the score,
the episode and what the agent thinks (a policy's flap probability, a table's two Q-values);
episodes restart until the window is closed.

Right / Left (or + / -) make it faster or slower, Space pauses, F shows what a pixel policy is
fed (its 64 x 36 frame, scaled up in a corner), Esc or closing the window quits.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from flappy_pg.envs.single import FlappyBirdEnv
from flappy_pg.game.config import GameConfig

SPEEDS = (0.25, 0.5, 1, 2, 4, 8, 16)
END_PAUSE_FRAMES = 30  # the game-over frame stays up for a second before the next episode

#: Maps one observation to (action, a line about the agent's choice for the overlay).
Agent = Callable[[np.ndarray], tuple[int, str]]


class WatchKeys:
    """The keys of a watching window: Esc (or closing it) quits, Right/Left or +/- change the
    speed, Space pauses, F toggles a pixel policy's input, G sampled or greedy actions."""

    def __init__(self, speed: float, show_input: bool = False):
        self.speed_index = SPEEDS.index(min(SPEEDS, key=lambda s: abs(s - speed)))
        self.running, self.paused, self.show_input = True, False, show_input
        self.greedy = False  # G toggles it where a window shows sampling birds (train --watch)

    @property
    def speed(self) -> float:
        return SPEEDS[self.speed_index]

    def handle(self, pg) -> None:
        for event in pg.event.get():
            if event.type == pg.QUIT or (event.type == pg.KEYDOWN and event.key == pg.K_ESCAPE):
                self.running = False
            elif event.type != pg.KEYDOWN:
                continue
            elif event.key in (pg.K_RIGHT, pg.K_PLUS, pg.K_EQUALS):
                self.speed_index = min(self.speed_index + 1, len(SPEEDS) - 1)
            elif event.key in (pg.K_LEFT, pg.K_MINUS):
                self.speed_index = max(self.speed_index - 1, 0)
            elif event.key == pg.K_SPACE:
                self.paused = not self.paused
            elif event.key == pg.K_f:
                self.show_input = not self.show_input
            elif event.key == pg.K_g:
                self.greedy = not self.greedy


def run_watch(agent: Agent, config: GameConfig, label: str, seed: int | None = None,
              speed: float = 1, record: str | None = None, max_frames: int | None = None,
              source: str = "", echo=print, obs_type: str = "features",
              show_input: bool = False) -> list[int]:
    """Show the agent (`label`, loaded from `source`) playing, seeing observations of
    `obs_type`; returns the finished episodes' scores."""
    from flappy_pg.render.recording import Recorder
    from flappy_pg.render.renderer import Renderer

    recorder = Recorder(record) if record else None
    renderer = Renderer(config, window=True, title=f"flappy-pg watch: {label} {source}".strip())
    max_frames = renderer.frame_limit(record, max_frames, echo)
    pg = renderer.pg
    env = FlappyBirdEnv(config=config, obs_type=obs_type)
    keys = WatchKeys(speed, show_input)
    observation, _ = env.reset(seed=seed)
    episode, scores, frames, pause_left = 1, [], 0, 0
    thought = ""
    try:
        while keys.running and (max_frames is None or frames < max_frames):
            keys.handle(pg)
            speed, paused = keys.speed, keys.paused
            renderer.fps = 30 * min(speed, 1)  # below 1x: fewer frames; above: steps per frame
            if not paused:
                if pause_left:
                    pause_left -= 1
                    if pause_left == 0:
                        observation, _ = env.reset()
                        episode += 1
                else:
                    for _ in range(max(1, int(speed))):
                        action, thought = agent(observation)
                        observation, _, terminated, truncated, info = env.step(action)
                        if terminated or truncated:
                            scores.append(info["score"])
                            pause_left = END_PAUSE_FRAMES
                            break
            game = env.game
            renderer.draw_world(game.t, game.key, game.y, game.vel)
            renderer.draw_score(game.score, y=40)  # where races and play show it
            if pause_left:
                renderer.draw_centred("game_over", 150)
            if keys.show_input and obs_type != "features":
                renderer.draw_observation(np.asarray(observation)[-1] if observation.ndim == 3
                                          else np.asarray(observation), label="what it sees")
            best = f"  best {max(scores)}" if scores else ""
            renderer.draw_overlay([f"{label}", f"episode {episode}{best}",
                                   thought,
                                   f"speed x{speed:g}" + ("  (paused)" if paused else "")],
                                  y=int(config.ground_y) + 8)  # on the ground, below the bird
            renderer.show(recorder)
            frames += 1
    except KeyboardInterrupt:  # Ctrl-C quits like Esc; the recording is still written
        pass
    finally:
        renderer.close()
        if recorder:
            recorder.finish(echo)
    return scores


def watch_saved(path, kind: str, speed: float, seed: int | None, record: str | None,
                frames: int | None = None, greedy: bool = True, show_input: bool = False,
                echo=print) -> list[int]:
    """A saved agent (`kind`, at `path`; None: the shipped one) playing in the window; says the
    finished episodes' scores."""
    from flappy_pg.agents.saved import load_agent
    agent = load_agent(path, kind)
    scores = run_watch(agent.window_agent(greedy, seed), agent.game, label=agent.label,
                       source=agent.path.name, seed=seed, speed=speed, record=record,
                       max_frames=frames, echo=echo, obs_type=agent.obs_type,
                       show_input=show_input)
    if scores:
        echo(f"{len(scores)} episodes, scores: {scores}")
    return scores
