"""Pictures of training runs, drawn from their logs (`updates.csv`, `evals.csv`, `config.json`):
`curves.png` in each run folder, rewritten at each evaluation, and the overlay of several runs
that `flappy-pg plot` draws. Scores are on a log scale that shows both 0.5 and 1000 pipes."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from flappy_pg.errors import ConfigError
from flappy_pg.files import atomic_write

FLOOR = 0.3  # scores of 0 are drawn here, below the 0.5 tick, on the log axis
SCORE_TICKS = (0.5, 1, 10, 100, 1000)


@dataclass
class RunCurves:
    """One run's logged figures, as columns of numbers."""

    name: str
    config: dict
    updates: dict[str, list[float]] = field(default_factory=dict)
    evals: dict[str, list[float]] = field(default_factory=dict)

    @property
    def agent(self) -> str:
        return "Q-learning" if "epsilon_start" in self.config else "REINFORCE"


def read_columns(path: Path, names: tuple[str, ...]) -> dict[str, list[float]]:
    """The named columns of a CSV log as floats; rows a writer has not finished are skipped."""
    columns: dict[str, list[float]] = {name: [] for name in names}
    if not path.exists():
        return columns
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            try:
                values = [float(row[name]) if row.get(name) not in (None, "") else math.nan
                          for name in names]
            except (ValueError, TypeError):
                continue
            for name, value in zip(names, values):
                columns[name].append(value)
    return columns


def read_run(folder: str | Path) -> RunCurves:
    """A run folder's logs, or a one-line error when it is not one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(f"no run folder {folder} (runs are in runs/<name>/)")
    if not (folder / "updates.csv").exists():
        raise ConfigError(f"{folder} holds no training logs (updates.csv): not a run folder")
    try:
        config = json.loads((folder / "config.json").read_text())
    except (OSError, ValueError):
        config = {}
    if not isinstance(config, dict):
        config = {}
    return RunCurves(folder.name, config,
                     read_columns(folder / "updates.csv",
                                  ("env_steps", "seconds", "score_mean", "entropy")),
                     read_columns(folder / "evals.csv",
                                  ("env_steps", "seconds", "mean", "capped_share")))


def floored(values: list[float]) -> list[float]:
    return [max(v, FLOOR) for v in values]


def score_axis(ax, label: str) -> None:
    ax.set_yscale("log")
    ax.set_ylim(FLOOR * 0.9, 2000)
    ax.set_yticks(SCORE_TICKS, [f"{t:g}" for t in SCORE_TICKS])
    ax.set_ylabel(label)
    ax.grid(True, which="major", alpha=0.3)


def steps_axis(ax) -> None:
    from matplotlib.ticker import EngFormatter
    ax.xaxis.set_major_formatter(EngFormatter(sep=""))  # 20k, 40M: env steps read at a glance


def figure(rows: int, cols: int, size: tuple[float, float]):
    from matplotlib.figure import Figure  # no pyplot (nor a backend switch): safe anywhere
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    return fig, fig.subplots(rows, cols, squeeze=False)


def save(fig, path: Path) -> Path:
    atomic_write(path, lambda temporary: fig.savefig(temporary, format="png"))
    return path


def plot_run(folder: str | Path, path: str | Path | None = None) -> Path:
    """`curves.png` of one run: the evaluation mean and the batch's mean score, and the share
    of evaluation games at the cap, against env steps and against training seconds; and the
    policy's entropy (REINFORCE) or the training rate."""
    run = read_run(folder)
    fig, axes = figure(2, 2, (10, 6.5))
    u, e = run.updates, run.evals
    cap = run.config.get("eval_max_score", 1000)
    for column, (key, unit) in enumerate((("env_steps", "env steps"),
                                          ("seconds", "training time (s)"))):
        top, bottom = axes[0][column], axes[1][column]
        top.plot(u[key], floored(u["score_mean"]), color="tab:blue", lw=1, alpha=0.6,
                 label=f"training batches (sampled, cap {run.config.get('train_max_score', '?')})")
        top.plot(e[key], floored(e["mean"]), "o-", color="tab:red", ms=3,
                 label=f"evaluation (greedy, unseen games, cap {cap})")
        score_axis(top, "pipes passed (mean)")
        top.set_xlabel(unit)
        if key == "env_steps":
            steps_axis(top)
            steps_axis(bottom)
        bottom.plot(e[key], [100 * s for s in e["capped_share"]], "o-", color="tab:green", ms=3)
        bottom.set_ylim(-3, 103)
        bottom.set_ylabel(f"evaluation games at the cap of {cap} (%)")
        bottom.set_xlabel(unit)
        bottom.grid(True, alpha=0.3)
        if not e["mean"]:
            top.text(0.5, 0.5, "no evaluation yet", transform=top.transAxes, ha="center")
    fig.legend(*axes[0][0].get_legend_handles_labels(), loc="outside lower center", ncols=2,
               fontsize=8, frameon=False)  # off the data
    if run.agent == "REINFORCE" and any(not math.isnan(v) for v in u["entropy"]):
        twin = axes[1][0].twinx()
        twin.plot(u["env_steps"], u["entropy"], color="tab:purple", lw=1, alpha=0.6)
        twin.set_ylabel("policy entropy (nats)", color="tab:purple")
        twin.set_ylim(bottom=0)
    best = max(e["mean"], default=None)
    fig.suptitle(f"{run.name}: {run.agent}"
                 + (f", best evaluation {best:.1f}" if best is not None else ", no evaluation yet"))
    return save(fig, Path(path) if path else Path(folder) / "curves.png")


def flat(config: dict, prefix: str = "") -> dict:
    """A run's settings with nested ones (its game, rewards) as `pipe_gap`-style keys."""
    values = {}
    for key, value in config.items():
        if isinstance(value, dict):
            values.update(flat(value, f"{prefix}{key}."))
        else:
            values[f"{prefix}{key}"] = value
    return values


def differing_settings(runs: list[RunCurves], most: int = 3) -> list[str]:
    """Per run, what tells it apart in a legend: its agent when the runs mix agents, and up to
    `most` settings all the runs have but not all alike (budgets and evaluation seeds left
    out), as 'name=value' text."""
    skip = {"max_steps", "max_seconds", "target_score", "eval_seed"}
    flats = [flat(r.config) for r in runs]
    shared = set.intersection(*(set(f) for f in flats)) - skip if flats else set()
    differ = [k for k in sorted(shared)
              if len({json.dumps(f[k], sort_keys=True) for f in flats}) > 1][:most]
    mixed = len({r.agent for r in runs}) > 1
    return ["; ".join(([r.agent] if mixed else [])
                      + [f"{k.rsplit('.', 1)[-1]}={f[k]}" for k in differ])
            for r, f in zip(runs, flats)]


def plot_runs(folders: list[str | Path], out: str | Path) -> Path:
    """Several runs' evaluation means and shares at the cap, against env steps and seconds,
    one colour each, with a legend of their names and the settings that differ."""
    runs = [read_run(folder) for folder in folders]
    fig, axes = figure(2, 2, (11, 7))
    settings = differing_settings(runs)
    for run, extra in zip(runs, settings):
        label = run.name + (f" ({extra})" if extra else "")
        for column, key in enumerate(("env_steps", "seconds")):
            line, = axes[0][column].plot(run.evals[key], floored(run.evals["mean"]), "o-", ms=3,
                                         label=label)
            axes[1][column].plot(run.evals[key], [100 * s for s in run.evals["capped_share"]],
                                 "o-", ms=3, color=line.get_color())
    for column, unit in enumerate(("env steps", "training time (s)")):
        score_axis(axes[0][column], "evaluation mean (pipes)")
        axes[1][column].set_ylim(-3, 103)
        axes[1][column].set_ylabel("evaluation games at the cap (%)")
        for row in (0, 1):
            axes[row][column].set_xlabel(unit)
            axes[row][column].grid(True, alpha=0.3)
            if column == 0:
                steps_axis(axes[row][column])
    fig.legend(*axes[0][0].get_legend_handles_labels(), loc="outside lower center", ncols=2,
               fontsize=8)
    fig.suptitle(f"{len(runs)} runs: greedy evaluation on unseen games")
    return save(fig, Path(out))
