"""`flappy-pg timelapse RUN --record learning.gif`: the learning itself. One round of each of the
run's evaluation snapshots (or an even choice of them) on the same pipes, one after another,
each labelled with its env steps, training time and that evaluation's mean, so the bird goes
from falling at once to flying past everything."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from flappy_pg.errors import ConfigError

LINGER = 15  # frames a round's end stays up before the next snapshot flies


@dataclass
class Stage:
    """One snapshot of the run and the evaluation made when it was taken."""

    path: Path
    update: int
    env_steps: int
    seconds: float
    mean: float
    capped_share: float


def stages_of(run_folder: str | Path) -> list[Stage]:
    """The run's snapshots beside their evaluations, in the order they were taken."""
    from flappy_pg.runs.snapshots import evaluation_snapshots
    folder = Path(run_folder)
    if not folder.is_dir():
        raise ConfigError(f"no run folder {folder} (runs are in runs/<name>/)")
    snapshots = evaluation_snapshots(folder)
    if not snapshots:
        raise ConfigError(f"{folder} holds no snapshots (snapshots/update-*.pt): train with "
                          f"--snapshots (the default for features and Q-learning) and let at "
                          f"least one evaluation run")
    rows = {}
    try:
        with (folder / "evals.csv").open(newline="") as f:
            for row in csv.DictReader(f):
                try:
                    rows[int(float(row["update"]))] = row
                except (KeyError, ValueError, TypeError):
                    continue
    except OSError:
        pass
    stages = []
    for update, path in sorted(snapshots.items()):
        row = rows.get(update)
        if row is None:
            continue  # a snapshot whose evaluation was not logged (a run killed mid-write)
        try:
            stages.append(Stage(path, update, int(float(row["env_steps"])), float(row["seconds"]),
                                float(row["mean"]), float(row["capped_share"])))
        except (KeyError, ValueError, TypeError):
            continue
    if not stages:
        raise ConfigError(f"{folder}: none of its snapshots has an evaluation in evals.csv")
    return stages


MILESTONES = (1, 3, 10, 30, 100, 300, 1000)  # evaluation means the learning passes through


def chosen(stages: list[Stage], count: int) -> list[Stage]:
    """At most `count` stages: the first, the last, the first to reach each milestone mean (the
    climb usually takes the first few evaluations, which an even spread would skip), then
    others spread evenly over the run."""
    if len(stages) <= count:
        return stages
    picks = {0, len(stages) - 1}
    for level in MILESTONES:
        first = next((i for i, stage in enumerate(stages) if stage.mean >= level), None)
        if first is not None and len(picks) < count:
            picks.add(first)
    for i in np.round(np.linspace(0, len(stages) - 1, count)).astype(int):
        if len(picks) < count:
            picks.add(int(i))
    return [stages[i] for i in sorted(picks)]


def stage_lines(stage: Stage, number: int, total: int) -> list[str]:
    return [f"snapshot {number} of {total}: update {stage.update:,}",
            f"{stage.env_steps / 1e6:.1f} M env steps, {stage.seconds:.0f} s of training",
            f"evaluation: a mean of {stage.mean:.1f} pipes"
            + (f", {100 * stage.capped_share:.0f}% capped" if stage.capped_share else "")]


def run_timelapse(run_folder: str | Path, record: str | None = None, seed: int = 0,
                  count: int = 8, frames_each: int = 150, speed: int = 2, scale: float = 1.0,
                  echo=print) -> list[int]:
    """Play the chosen snapshots one after another (greedy), in a window and/or into `record`
    (a GIF's frames `scale`d); returns each snapshot's score."""
    from flappy_pg.agents.saved import load_named
    from flappy_pg.envs.single import FlappyBirdEnv
    from flappy_pg.render.recording import Recorder
    from flappy_pg.render.renderer import Renderer

    stages = chosen(stages_of(run_folder), count)
    agents = [load_named(str(stage.path)) for stage in stages]
    for stage, agent in zip(stages, agents):
        if agent.game != agents[0].game:
            raise ConfigError(f"{stage.path} is a snapshot of another game than "
                              f"{stages[0].path.name}'s: a run's snapshots share one game")
    recorder = Recorder(record, scale=scale) if record else None
    renderer = Renderer(agents[0].game, window=True, title=f"flappy-pg timelapse: "
                                                           f"{Path(run_folder).name}")
    renderer.frame_limit(record, 10**9, echo)  # no display: fine when recording
    scores = []
    try:
        for number, (stage, agent) in enumerate(zip(stages, agents), 1):
            env = FlappyBirdEnv(config=agent.game, obs_type=agent.obs_type)
            observation, _ = env.reset(seed=seed)  # the same pipes for every snapshot
            act = agent.window_agent(True, seed)
            lines, ended, linger = stage_lines(stage, number, len(stages)), False, 0
            for _ in range(frames_each + LINGER):
                renderer.pg.event.pump()
                if not ended:
                    for _ in range(speed):
                        observation, _, terminated, truncated, info = env.step(act(observation)[0])
                        if terminated or truncated:
                            ended = True
                            break
                game = env.game
                renderer.draw_world(game.t, game.key, game.y, game.vel)
                renderer.draw_score(game.score, y=40)
                if ended:
                    renderer.draw_panel([f"fell after {game.score} pipes"], 200)
                    linger += 1
                renderer.draw_overlay(lines, y=int(agent.game.ground_y) + 8)
                renderer.show(recorder)
                if linger >= LINGER:
                    break
            scores.append(int(env.game.score))
            echo(f"{lines[0]}: {scores[-1]} pipes" + ("" if ended else " and flying on"))
    finally:
        renderer.close()
        if recorder:
            recorder.finish(echo)
    return scores
