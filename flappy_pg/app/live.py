"""`flappy-pg train --watch` (and `qlearn train --watch`): the training run in a window beside
it. Round after round, several birds of the newest policy fly the same pipes (sampling as
training does; G switches to greedy), tinted as in races; labels give the update, env steps,
training time and the last evaluation; a live curve beside the game shows the batches' mean
score and each evaluation's mean and share at the cap against env steps, on a log scale.

The window is its own process. It reads only what the training writes anyway (the run folder's
logs and policy snapshots), so the window never waits on training and training never waits on
the window. Space pauses the window (not the training), Right/Left set its speed, F shows a
pixel policy's input; closing it leaves training running headless.
"""

from __future__ import annotations

import csv
import io
import math
import os
import time
from pathlib import Path
from typing import Callable

from flappy_pg.errors import ConfigError
from flappy_pg.runs.harness import children_ignore_sigint

BIRDS = 4
GAME_FPS, DRAW_FPS = 30, 15
PANEL = 320  # the curve's width beside the 288-px game
WAITING_FRAMES = 45  # between rounds, the result stays up for 1.5 s


class TailReader:
    """The rows a CSV log has gained since the last call (a row its writer has not finished is
    left for the next call)."""

    def __init__(self, path: Path):
        self.path, self.offset, self.header = Path(path), 0, None

    def new_rows(self) -> list[dict]:
        try:
            with self.path.open("rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return []
        complete = data[:data.rfind(b"\n") + 1]
        self.offset += len(complete)
        lines = complete.decode(errors="replace").splitlines()
        if self.header is None and lines:
            self.header, lines = next(csv.reader([lines[0]])), lines[1:]
        return [dict(zip(self.header, row)) for row in csv.reader(io.StringIO("\n".join(lines)))
                if len(row) == len(self.header)]


class RunProgress:
    """The run's figures so far, from its logs: the points of the curve and the labels."""

    def __init__(self, run_folder: Path):
        self.updates = TailReader(Path(run_folder) / "updates.csv")
        self.evals = TailReader(Path(run_folder) / "evals.csv")
        self.batches: list[tuple[float, float]] = []  # (env steps, batch mean score)
        self.evaluations: list[tuple[float, float, float]] = []  # (env steps, mean, capped share)
        self.last: dict = {}

    def refresh(self) -> bool:
        """Read what the logs gained; True when anything did."""
        rows, evals = self.updates.new_rows(), self.evals.new_rows()
        for row in rows:
            try:
                self.batches.append((float(row["env_steps"]), float(row["score_mean"])))
                self.last = row
            except (KeyError, ValueError):
                continue
        for row in evals:
            try:
                self.evaluations.append((float(row["env_steps"]), float(row["mean"]),
                                         float(row["capped_share"])))
            except (KeyError, ValueError):
                continue
        if len(self.batches) > 4000:  # keep the curve light: every other old point
            self.batches = self.batches[:-1000:2] + self.batches[-1000:]
        return bool(rows or evals)

    def labels(self) -> list[str]:
        if not self.last:
            return ["waiting for the first update ..."]
        lines = [f"update {int(float(self.last['update'])):,}: "
                 f"{float(self.last['env_steps']) / 1e6:.1f} M env steps",
                 f"{float(self.last['seconds']):.0f} s of training"]
        if self.evaluations:
            _, mean, share = self.evaluations[-1]
            lines.append(f"last eval: {mean:.1f} pipes, {100 * share:.0f}% capped")
        else:
            lines.append("no evaluation yet")
        return lines


def y_of(score: float, top: int, height: int) -> float:
    """A score's height on a log axis from 0.3 (0 is drawn there) to 2000 pipes."""
    low, high = math.log10(0.3), math.log10(2000)
    return top + height * (1 - (math.log10(max(score, 0.3)) - low) / (high - low))


def draw_curve(pg, surface, font, progress: RunProgress) -> None:
    """The live curve: batch means (blue), evaluation means (red) and shares at the cap
    (green, right axis 0-100%) against env steps."""
    surface.fill((250, 250, 246))
    left, top, width, height = 44, 70, PANEL - 84, 330
    ink, grid = (60, 60, 60), (220, 220, 215)
    title = font.render("the run so far", True, ink)
    surface.blit(title, ((PANEL - title.get_width()) // 2, 14))
    for tick in (0.5, 1, 10, 100, 1000):
        y = y_of(tick, top, height)
        pg.draw.line(surface, grid, (left, y), (left + width, y))
        label = font.render(f"{tick:g}", True, ink)
        surface.blit(label, (left - label.get_width() - 4, y - label.get_height() // 2))
    for share in (0, 50, 100):
        y = top + height * (1 - share / 100)
        label = font.render(f"{share}%", True, (40, 140, 60))
        surface.blit(label, (left + width + 4, y - label.get_height() // 2))
    pg.draw.rect(surface, ink, (left, top, width, height), 1)
    steps = [s for s, _ in progress.batches] + [s for s, _, _ in progress.evaluations]
    most = max(steps, default=1) or 1

    def x_of(step: float) -> float:
        return left + width * step / most

    if len(progress.batches) > 1:
        pg.draw.lines(surface, (70, 120, 200), False,
                      [(x_of(s), y_of(m, top, height)) for s, m in progress.batches], 1)
    for s, mean, share in progress.evaluations:
        pg.draw.circle(surface, (200, 50, 50), (x_of(s), y_of(mean, top, height)), 3)
        pg.draw.circle(surface, (40, 140, 60), (x_of(s), top + height * (1 - share)), 2)
    axis = font.render(f"env steps (0 to {most / 1e6:.1f} M)", True, ink)
    surface.blit(axis, (left + (width - axis.get_width()) // 2, top + height + 6))
    pipes = font.render("pipes (log)", True, ink)
    surface.blit(pipes, (4, top - 22))
    for i, (text, colour) in enumerate((("training batches' mean score", (70, 120, 200)),
                                        ("evaluation mean (greedy)", (200, 50, 50)),
                                        ("evaluation games at the cap", (40, 140, 60)))):
        pg.draw.line(surface, colour, (left, 436 + 20 * i), (left + 18, 436 + 20 * i), 3)
        surface.blit(font.render(text, True, ink), (left + 24, 429 + 20 * i))


def show_training(run_folder: str, birds: int = BIRDS, max_frames: int | None = None) -> int:
    """The window's process: rounds of the newest snapshot's birds, the labels and the curve,
    until the window is closed (or `max_frames` were shown); returns the frames shown."""
    from flappy_pg.agents.saved import load_named
    from flappy_pg.app.race import Racer, RaceRound
    from flappy_pg.app.watch import WatchKeys
    from flappy_pg.render.renderer import Renderer
    from flappy_pg.runs.snapshots import live_snapshot

    folder = Path(run_folder)
    progress = RunProgress(folder)
    renderer = game = agent = None
    loaded_stamp, pause_left, round_number, frames = None, 0, 0, 0
    keys = WatchKeys(1)
    try:
        while keys.running and (max_frames is None or frames < max_frames):
            path = live_snapshot(folder)
            if renderer is None:
                if path is None:
                    time.sleep(0.2)  # nothing to show before the first snapshot
                    frames += 1
                    continue
                agent = load_named(str(path))
                renderer = Renderer(agent.game, window=True, side_panel=PANEL,
                                    title=f"flappy-pg: training {folder.name}",
                                    exact_pacing=False)
                loaded_stamp = path.stat().st_mtime_ns
            pg = renderer.pg
            keys.handle(pg)
            if game is None or (pause_left == 0 and game.over and not keys.paused):
                stamp = path.stat().st_mtime_ns if path and path.exists() else loaded_stamp
                if stamp != loaded_stamp:  # a newer policy: the next round flies it
                    try:
                        agent, loaded_stamp = load_named(str(path)), stamp
                    except Exception:  # replaced while read: the next round tries again
                        pass
                round_number += 1
                racers = [Racer(f"bird {i + 1}", sampling(agent, i, round_number, keys),
                                agent.obs_type) for i in range(birds)]
                game, pause_left = RaceRound(agent.game, racers, seed=None), 0
            # Drawn at DRAW_FPS with GAME_FPS / DRAW_FPS game frames each: the birds fly at the
            # game's speed, and the window (and the display server) take half the CPU of 30 fps.
            renderer.fps = DRAW_FPS * min(keys.speed, 1)
            if not keys.paused:
                if pause_left:
                    pause_left = max(0, pause_left - GAME_FPS // DRAW_FPS)
                else:
                    for _ in range(max(1, int(keys.speed)) * (GAME_FPS // DRAW_FPS)):
                        game.step(game.decide())
                        if game.over:
                            pause_left = WAITING_FRAMES
                            break
            game.draw(renderer)
            mode = "greedy" if keys.greedy else "sampling"
            renderer.draw_overlay([f"{agent.label}, {birds} birds {mode}", *progress.labels(),
                                   f"x{keys.speed:g}" + (" paused" if keys.paused else "")
                                   + "  (G, Space, Right/Left)"],
                                  y=int(agent.game.ground_y) + 6)
            if keys.show_input and agent.obs_type != "features":
                observation = game.observers[agent.obs_type].of_batch(game.race.games)[0]
                renderer.draw_observation(observation[-1], label="what it sees")
            if progress.refresh() or not frames:
                draw_curve(pg, renderer.panel, renderer.small_font, progress)
            renderer.show()
            frames += 1
    except KeyboardInterrupt:  # the terminal's Ctrl-C is for the training, which stops itself
        pass
    finally:
        if renderer is not None:
            renderer.close()
    return frames


def window_process(run_folder: str) -> None:
    """The window's own process: the training comes first, the window takes the CPU left."""
    os.nice(10)
    import torch
    torch.set_num_threads(1)  # loading snapshots must not start threads beside the training's
    show_training(run_folder)


def sampling(agent, bird: int, round_number: int, keys) -> Callable:
    """A bird's driver: the policy's own choice, sampled as in training (or greedy with G)."""
    sampled = agent.window_agent(False, 7919 * round_number + bird)
    greedy = agent.window_agent(True, None)
    return lambda observation: (greedy if keys.greedy else sampled)(observation)


class LiveWindow:
    """The window's process, as the training sees it: `start` checks for a display (a one-line
    error before any training without one) and starts it; `open` says whether it is still up,
    and says once in the terminal when it was closed."""

    def __init__(self, run_folder: Path):
        self.run_folder = Path(run_folder)
        self.process = None
        self.closed_said = False

    @staticmethod
    def check_display(command: str = "flappy-pg train") -> None:
        import pygame

        from flappy_pg.render import devices
        on_screen = devices.open_display(pygame)
        pygame.display.quit()
        if not on_screen:
            raise ConfigError(f"no display here for --watch's window: run it under a virtual "
                              f"display (xvfb-run -a {command} --watch ...), or train without "
                              f"--watch and plot or time-lapse the run afterwards")

    def start(self) -> None:
        import multiprocessing
        context = multiprocessing.get_context("spawn")  # no fork of a process with torch threads
        self.process = context.Process(target=window_process, args=(str(self.run_folder),),
                                       daemon=True, name="flappy-pg window")
        # The window never sees the terminal's Ctrl-C: the training stops on it, then closes it.
        with children_ignore_sigint():
            self.process.start()

    def open(self, echo: Callable[[str], None]) -> bool:
        if self.process is not None and self.process.is_alive():
            return True
        if not self.closed_said:
            echo("the window was closed: training goes on headless")
            self.closed_said = True
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)
