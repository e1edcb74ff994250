"""Races in the game window: `flappy-pg watch A B [C ...]` (agents against each other) and
`flappy-pg play --against AGENT` (you against an agent's ghost).

Every bird of a round flies through the same pipes at the same frames, from the same start
(`flappy_pg.game.race.Race`: one batch of birds on one pipe key); each crashes on its own. A
bird that crashed leaves a marker where it fell, which scrolls away with the pipes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from flappy_pg.envs.single import observation_setup
from flappy_pg.game.config import GameConfig
from flappy_pg.game.core import draw_key
from flappy_pg.game.race import Race
from flappy_pg.render.renderer import LABEL_ABOVE, LABEL_HEIGHT

# Tints of the racing birds (multiplied into the sprite), and the colour of their labels.
TINTS = ((255, 120, 120), (120, 170, 255), (130, 230, 130), (230, 150, 255), (255, 200, 90),
         (120, 235, 235), (250, 250, 250), (200, 160, 120))
END_PAUSE_FRAMES = 45  # a round's result stays up for 1.5 s before the next round


def spread_labels(wanted: list[float], height: float = LABEL_HEIGHT, top: float = 2.0
                  ) -> list[float]:
    """Tops for labels that want to sit at `wanted` (in that order), moved down just enough that
    no two overlap and none leaves the screen's top: birds flying close keep readable labels."""
    tops = [0.0] * len(wanted)
    floor = top
    for i in sorted(range(len(wanted)), key=lambda i: wanted[i]):
        tops[i] = floor = max(wanted[i], floor)
        floor += height
    return tops


@dataclass
class Racer:
    """One bird's driver: maps its observation to (action, overlay text)."""

    label: str
    act: Callable[[np.ndarray], tuple[int, str]]
    obs_type: str = "features"


class RaceRound:
    """The birds of a race and the observations each needs, over rounds on new pipes."""

    def __init__(self, config: GameConfig, racers: list[Racer], seed: int | None,
                 max_score: int | None = None):
        self.config, self.racers, self.max_score = config, racers, max_score
        self.race = Race(config, len(racers))
        self.rng = np.random.default_rng(seed)
        self.observers = {r.obs_type: observation_setup(r.obs_type, config, np)[1] for r in racers}
        self.round = 0
        self.new_round()

    def new_round(self) -> None:
        self.race.reset(draw_key(self.rng))
        self.round += 1
        self.fell_at = {}  # bird -> (frame, y) where it crashed

    def decide(self, flaps: np.ndarray | None = None) -> np.ndarray:
        """Each agent's action for its own bird; entries of `flaps` that are not None (a
        person's bird) are kept as given."""
        decided = np.zeros(len(self.racers), dtype=bool) if flaps is None else flaps.copy()
        observations = {kind: o.of_batch(self.race.games) for kind, o in self.observers.items()}
        for i, racer in enumerate(self.racers):
            if racer.act is not None and self.race.flying[i]:
                decided[i] = bool(racer.act(observations[racer.obs_type][i])[0])
        return decided

    def step(self, flaps: np.ndarray) -> np.ndarray:
        """One frame; returns which birds crashed in it."""
        race = self.race
        _, crashed = race.step(flaps)
        for bird in np.flatnonzero(crashed):
            self.fell_at[int(bird)] = (race.frame, float(race.games.y[bird]))
        if self.max_score is not None:
            race.stop(race.flying & (race.scores >= self.max_score))
        return crashed

    @property
    def over(self) -> bool:
        return bool(self.race.out.all())

    def draw(self, renderer, player: int | None = None) -> None:
        """The pipes once, every bird (a person's bird opaque and in front, the others as
        tinted ghosts), crash markers scrolling with the pipes, and the scoreboard."""
        race, c = self.race, self.config
        t = int(race.games.t[0])
        renderer.draw_world(t, race.key, None)
        for bird, (frame, y) in self.fell_at.items():
            x = c.bird_x - (race.frame - frame) * c.pipe_speed
            if x > -c.bird_width:
                if bird == player:  # a person's bird stays where it fell, scrolling away
                    renderer.draw_ghost(y, c.max_fall_speed, t, (255, 255, 255), alpha=255, x=x)
                renderer.draw_crash_marker(x, y, TINTS[bird % len(TINTS)],
                                           f"{self.racers[bird].label}: {int(race.scores[bird])}")
        ghosts = [b for b in range(len(self.racers)) if b != player and b not in self.fell_at]
        label_tops = spread_labels([float(race.games.y[b]) - LABEL_ABOVE for b in ghosts])
        for bird in ghosts:
            renderer.draw_ghost(float(race.games.y[bird]), float(race.games.vel[bird]), t,
                                TINTS[bird % len(TINTS)], alpha=150 if player is not None else 230)
        for bird, label_y in zip(ghosts, label_tops):  # over every bird, so none hides a label
            renderer.draw_tag(self.racers[bird].label, c.bird_x + c.bird_width / 2, label_y,
                              TINTS[bird % len(TINTS)])
        if player is not None and player not in self.fell_at:
            renderer.draw_bird(float(race.games.y[player]), float(race.games.vel[player]), t)
        shown = race.scores.max() if player is None else race.scores[player]
        renderer.draw_score(int(shown), y=40)

    def scoreboard(self) -> tuple[list[str], list]:
        race = self.race
        order = sorted(range(len(self.racers)), key=lambda b: -int(race.scores[b]))
        lines, colours = [], []
        for b in order:
            state = "fell" if race.crashed[b] else ("done" if race.out[b] else "flying")
            lines.append(f"{self.racers[b].label}: {int(race.scores[b])} ({state})")
            colours.append(TINTS[b % len(TINTS)])
        return lines, colours

    def result_lines(self) -> list[str]:
        race = self.race
        best = int(race.scores.max())
        leaders = [self.racers[b].label for b in range(len(self.racers)) if race.scores[b] == best]
        who = leaders[0] + " went furthest" if len(leaders) == 1 else "a tie: " + ", ".join(leaders)
        return [f"Round {self.round}: {who} ({best})"] + [
            f"{self.racers[b].label}: {int(race.scores[b])}" for b in range(len(self.racers))]


def run_race(racers: list[Racer], config: GameConfig, seed: int | None = None, speed: float = 1,
             record: str | None = None, max_frames: int | None = None,
             max_score: int | None = None, echo=print) -> list[list[int]]:
    """`watch A B ...`: the racers fly round after round until the window is closed (or
    `max_frames`); returns each finished round's scores."""
    from flappy_pg.app.watch import WatchKeys
    from flappy_pg.render.recording import Recorder
    from flappy_pg.render.renderer import Renderer

    recorder = Recorder(record) if record else None
    names = " vs ".join(r.label for r in racers)
    renderer = Renderer(config, window=True, title=f"flappy-pg race: {names}")
    max_frames = renderer.frame_limit(record, max_frames, echo)
    pg = renderer.pg
    game = RaceRound(config, racers, seed, max_score)
    keys = WatchKeys(speed)
    rounds, frames, pause_left = [], 0, 0
    try:
        while keys.running and (max_frames is None or frames < max_frames):
            keys.handle(pg)
            speed, paused = keys.speed, keys.paused
            renderer.fps = 30 * min(speed, 1)
            if not paused:
                if pause_left:
                    pause_left -= 1
                    if pause_left == 0:
                        game.new_round()
                else:
                    for _ in range(max(1, int(speed))):
                        game.step(game.decide())
                        if game.over:
                            rounds.append([int(s) for s in game.race.scores])
                            pause_left = END_PAUSE_FRAMES
                            break
            game.draw(renderer)
            lines, colours = game.scoreboard()
            top = int(config.ground_y) + 8  # the scoreboard sits on the ground, below the birds
            renderer.draw_overlay([f"round {game.round}   speed x{speed:g}"
                                   + ("  (paused)" if paused else ""), *lines[:5]],
                                  [(255, 255, 255), *colours], y=top)
            if pause_left:
                renderer.draw_panel(game.result_lines(), 200)
            renderer.show(recorder)
            frames += 1
    except KeyboardInterrupt:
        pass
    finally:
        renderer.close()
        if recorder:
            recorder.finish(echo)
    return rounds


WELCOME, PLAYING, GHOST_FLYING, GAME_OVER = "welcome", "playing", "ghost flying", "game over"
RESTART_DELAY = 15  # frames after the result before a key restarts (a late flap must not skip it)


class GhostSession:
    """`play --against AGENT`: the flow of `PlaySession` (welcome, playing, game over) with the
    agent's ghost beside the player's bird. The player's crash does not stop the ghost: the
    screen follows it, its score counting, until it crashes too or Space shows the result."""

    def __init__(self, config: GameConfig, ghost: Racer, seed: int | None = None, best: int = 0):
        self.config, self.ghost = config, ghost
        self.round = RaceRound(config, [Racer("You", None), ghost], seed)
        self.state, self.frame, self.best = WELCOME, 0, best
        self.flap_requested = False
        self.sounds: list[str] = []
        self.ghost_still_flying = False

    @property
    def race(self) -> Race:
        return self.round.race

    def press_flap(self) -> None:
        if self.state == WELCOME:
            self.round.new_round()
            self.state, self.frame, self.flap_requested = PLAYING, 0, True
        elif self.state == PLAYING:
            self.flap_requested = True
        elif self.state == GHOST_FLYING:
            self.finish()
        else:
            self.press_restart()

    def press_restart(self) -> None:
        if self.state == GHOST_FLYING:
            self.finish()
        elif self.state == GAME_OVER and self.frame >= RESTART_DELAY:
            self.state, self.frame = WELCOME, 0

    def finish(self) -> None:
        self.ghost_still_flying = bool(self.race.flying[1])
        self.state, self.frame = GAME_OVER, 0

    def update(self) -> None:
        self.frame += 1
        self.sounds = []
        if self.state not in (PLAYING, GHOST_FLYING):
            return
        flaps = self.round.decide(np.array([self.flap_requested and self.state == PLAYING, False]))
        if self.state == PLAYING and self.flap_requested:
            self.sounds.append("wing")
        self.flap_requested = False
        before = int(self.race.scores[0])
        crashed = self.round.step(flaps)
        if self.state == PLAYING:
            if self.race.scores[0] > before:
                self.sounds.append("point")
            if crashed[0]:
                self.sounds.append("hit")
                self.best = max(self.best, int(self.race.scores[0]))
                self.state, self.frame = GHOST_FLYING, 0
        if self.state == GHOST_FLYING and not self.race.flying[1]:
            self.finish()

    def result(self) -> str:
        you, ghost = (int(s) for s in self.race.scores)
        name = self.ghost.label
        if you > ghost:
            return "You went further!"
        if ghost > you:
            return f"{name} went further"
        return "A tie so far" if self.ghost_still_flying else "A tie"

    def draw(self, renderer) -> None:
        c = self.config
        if self.state == WELCOME:
            import math
            bob = 8 * math.sin(self.frame / 5)
            renderer.draw_world(self.frame, 0, pipes=False)
            renderer.draw_ghost(c.bird_start_y + bob, -1.0 if bob < 0 else 0.0, self.frame,
                                TINTS[1], alpha=150, label=self.ghost.label, x=c.bird_x + 40)
            renderer.draw_bird(c.bird_start_y + bob, -1.0 if bob < 0 else 0.0, self.frame)
            renderer.draw_centred("get_ready", 110)
            renderer.draw_panel([f"Race against {self.ghost.label}: same pipes",
                                 "Space, Up or click to flap", f"Your best against it: {self.best}"],
                                300)
            return
        self.round.draw(renderer, player=0)
        you, ghost = (int(s) for s in self.race.scores)
        renderer.draw_overlay([f"You: {you}", f"{self.ghost.label}: {ghost}"],
                              [(255, 255, 255), TINTS[1]], y=int(c.ground_y) + 8)
        if self.state == GHOST_FLYING:
            renderer.draw_panel([f"You crashed at {you}.", f"{self.ghost.label} flies on: {ghost}",
                                 "Space: see the result"], 330)
        elif self.state == GAME_OVER:
            renderer.draw_centred("game_over", 130)
            still = " (flying)" if self.ghost_still_flying else ""
            renderer.draw_panel([f"You: {you}   {self.ghost.label}: {ghost}{still}",
                                 self.result(), f"Your best against it: {self.best}",
                                 "Space or R: race again", "Esc: quit"], 210)


def racers_of(specs: tuple[str, ...], greedy: bool, seed: int | None, note=print):
    """The saved agents `specs` (names or files) as racers on the first one's game, labelled
    apart (an agent of another game plays on it, and `note` says so); and that game."""
    from flappy_pg.agents.saved import SHIPPED_NAMES, load_named
    agents = [load_named(spec) for spec in specs]
    others = [a.path.name for a in agents if a.game != agents[0].game]
    if others:
        note(f"the race is on {agents[0].path.name}'s game; {', '.join(others)} trained on "
             f"another one and plays it there")
    kinds = [a.label for a in agents]
    labels = [a.label if kinds.count(a.label) == 1 or spec in SHIPPED_NAMES else a.path.stem
              for spec, a in zip(specs, agents)]
    labels = [f"{label} #{labels[:i].count(label) + 1}" if labels.count(label) > 1 else label
              for i, label in enumerate(labels)]
    racers = [Racer(label, agent.window_agent(greedy, seed), agent.obs_type)
              for label, agent in zip(labels, agents)]
    return racers, agents[0].game


def race_saved(specs: tuple[str, ...], greedy: bool, max_score: int | None, speed: float,
               seed: int | None, record: str | None, frames: int | None = None, echo=print,
               note=print) -> list[list[int]]:
    """Race saved agents in a window; says each finished round's scores."""
    racers, game = racers_of(specs, greedy, seed, note)
    rounds = run_race(racers, game, seed=seed, speed=speed, record=record, max_frames=frames,
                      max_score=max_score, echo=echo)
    for number, scores in enumerate(rounds, 1):
        echo(f"round {number}: " + ", ".join(f"{r.label} {s}" for r, s in zip(racers, scores)))
    return rounds
