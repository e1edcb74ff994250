"""The comparison's results and their report: each agent's run on a seed (`AgentRun`), the
verdict, the table, the curves and the files (`summary.md`, `summary.html`, `curves.csv`,
`finals.csv`, `score_vs_*.png`).

The table has one column per agent and one row per measure, so it reads on a phone as well as in
a browser. Each plot says in its title what it shows; the legend sits below the axes.
"""

from __future__ import annotations

import csv
import html
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from flappy_pg.agents.evaluate import capped_text
from flappy_pg.files import atomic_write, atomic_write_text
from flappy_pg.game.config import GameConfig

THRESHOLDS = (10, 100, 1000)
AGENTS = ("REINFORCE", "Q-learning")
AXES = (("env_steps", "env steps", "score_vs_steps.png"),
        ("seconds", "training seconds", "score_vs_seconds.png"),
        ("episodes", "training episodes", "score_vs_episodes.png"))
LEVEL = 0.05  # final means closer than this many pipes are a tie


CURVE_NUMBERS = ("seconds", "env_steps", "episodes", "mean")
FINAL_NUMBERS = ("episodes", "mean", "std", "median", "min", "max", "capped_share", "max_score")


@dataclass
class AgentRun:
    agent: str
    seed: int
    curve: list[dict] = field(default_factory=list)  # seconds, env_steps, episodes, mean
    final: dict | None = None

    # The last evaluation is made when training ends, so it holds the run's totals.
    @property
    def env_steps(self) -> int:
        return self.curve[-1]["env_steps"]

    @property
    def seconds(self) -> float:
        return self.curve[-1]["seconds"]

    @property
    def episodes(self) -> int:
        return self.curve[-1]["episodes"]

    def first_reaching(self, score: float, key: str) -> float | None:
        for point in self.curve:
            if point["mean"] >= score:
                return point[key]
        return None

    def to_dict(self) -> dict:
        """Plain values only (the result of a job, stored as JSON)."""
        final = {k: (v.tolist() if isinstance(v, np.ndarray) else v)
                 for k, v in (self.final or {}).items()}
        return {"agent": self.agent, "seed": self.seed, "curve": self.curve, "final": final}

    @classmethod
    def from_dict(cls, values: dict) -> "AgentRun":
        """The run a job returned (or a `jobs.json` kept), checked: a KeyError, TypeError or
        ValueError names what is damaged."""
        final = dict(values["final"])
        final["scores"] = np.asarray(final["scores"], dtype=float)
        curve = [dict(point) for point in values["curve"]]
        if not isinstance(values["agent"], str) or not isinstance(values["seed"], int) or \
                not curve or final["scores"].ndim != 1:
            raise ValueError("its agent, seed, curve or final scores are missing")
        for where, numbers in [("final", [final[k] for k in FINAL_NUMBERS]),
                               *[("curve", [p[k] for k in CURVE_NUMBERS]) for p in curve]]:
            if not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                       and math.isfinite(x) for x in numbers):
                raise ValueError(f"a number of its {where} is not a number")
        return cls(values["agent"], values["seed"], curve, final)


def groups_of(runs: list[AgentRun]) -> list[str]:
    """The runs' labels (agents, or a sweep's settings) in the order they first appear, the
    comparison's agents first."""
    first = [a for a in AGENTS if any(r.agent == a for r in runs)]
    return list(dict.fromkeys(first + [r.agent for r in runs]))


def _fmt(value, unit: str = "") -> str:
    return f"{value:,.0f}{unit}" if value >= 100 else f"{value:.1f}{unit}"


def summary_rows(runs: list[AgentRun]) -> dict[str, dict[str, str]]:
    """{agent: {measure: text}} for the agents that have runs, measures in table order."""
    table = {}
    for agent in groups_of(runs):
        mine = [r for r in runs if r.agent == agent]
        scores = np.concatenate([r.final["scores"] for r in mine])
        row = {"seeds": ", ".join(str(r.seed) for r in mine),
               "final mean ± std": f"{np.mean(scores):.1f} ± {np.std(scores):.1f}",
               "per-seed final means": ", ".join(f"{r.final['mean']:.1f}" for r in mine),
               "over the seeds: mean ± std": (f"{np.mean([r.final['mean'] for r in mine]):.1f} ± "
                                              f"{np.std([r.final['mean'] for r in mine]):.1f}"),
               "median, max": f"{np.median(scores):.0f}, {scores.max()}",
               "final games at the cap": capped_text(scores, mine[0].final["max_score"]),
               "env steps per second": f"{sum(r.env_steps for r in mine) / sum(r.seconds for r in mine):,.0f}"}
        for score in THRESHOLDS:
            for key, unit, what in (("seconds", " s", "time"), ("env_steps", "", "env steps")):
                got = [v for v in (r.first_reaching(score, key) for r in mine) if v is not None]
                label = f"{what} to a mean of {score} (median)"
                row[label] = (f"{_fmt(float(np.median(got)), unit)} ({len(got)} of {len(mine)} seeds)"
                              if got else f"not reached (0 of {len(mine)} seeds)")
        table[agent] = row
    return table


def markdown_table(table: dict[str, dict[str, str]]) -> str:
    agents = list(table)
    measures = list(table[agents[0]])
    lines = ["| measure | " + " | ".join(agents) + " |", "| --- |" + " --- |" * len(agents)]
    lines += [f"| {m} | " + " | ".join(table[a][m] for a in agents) + " |" for m in measures]
    return "\n".join(lines)


def held_curves(runs: list[AgentRun], key: str) -> tuple[np.ndarray, np.ndarray]:
    """(x, scores): each run's evaluations held until its next one (and its last one after it
    ended), on the union of the runs' evaluation points; scores has one row per run."""
    x = np.unique([p[key] for r in runs for p in r.curve])
    rows = []
    for r in runs:
        xs, ys = [p[key] for p in r.curve], [p["mean"] for p in r.curve]
        rows.append(np.asarray(ys)[np.searchsorted(xs, x, side="right") - 1])
    return x, np.array(rows)


def plot_curves(runs: list[AgentRun], key: str, label: str, path: Path) -> None:
    """Score against `key` on a linear axis from the first evaluation (the untrained one at 0)
    on; the scores on a symlog axis, so the first pipes and the cap both show."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4.8), dpi=110)
    colours = plt.get_cmap("tab10").colors
    for index, agent in enumerate(groups_of(runs)):
        colour = colours[index % len(colours)]
        mine = [r for r in runs if r.agent == agent]
        x, scores = held_curves(mine, key)
        if len(mine) == 1:
            ax.step(x, scores[0], where="post", color=colour, label=f"{agent}, seed {mine[0].seed}")
            continue
        ax.step(x, scores.mean(axis=0), where="post", color=colour,
                label=f"{agent}: mean of {len(mine)} seeds")
        ax.fill_between(x, scores.min(axis=0), scores.max(axis=0), step="post", color=colour,
                        alpha=0.2, linewidth=0, label=f"{agent}: lowest to highest seed")
    cap = runs[0].final["max_score"] if runs and runs[0].final else None
    if cap:
        ax.axhline(cap, color="gray", linestyle=":", linewidth=1, label=f"the cap ({cap} pipes)")
    ax.set_xlim(left=0)
    ax.set_yscale("symlog", linthresh=10)
    ax.set_ylim(0, (cap or 1000) * 1.6)
    ax.set_xlabel(label)
    ax.set_ylabel("evaluation mean (pipes; symlog)")
    ax.set_title(f"Greedy evaluation score against {label}", fontsize=11)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, frameon=False)
    fig.tight_layout()
    atomic_write(path, lambda temporary: fig.savefig(temporary, format="png"))
    plt.close(fig)


def caption(label: str) -> str:
    return (f"Each agent's greedy evaluation during training against {label}. A seed's curve "
            f"holds its last evaluation until the next one (its final one once it has stopped); "
            f"the line is the mean over the seeds, the band spans the lowest to the highest seed.")


TOO_SHORT = 10  # pipes: a comparison where no agent's final mean reaches this crowns nobody


def verdict(runs: list[AgentRun]) -> str:
    """One paragraph saying what the final evaluation and the curves show."""
    finals = {}
    for agent in AGENTS:
        mine = [r for r in runs if r.agent == agent]
        if mine:
            scores = np.concatenate([r.final["scores"] for r in mine])
            finals[agent] = (float(np.mean(scores)), capped_text(scores, mine[0].final["max_score"]),
                             {r.seed: r.final["mean"] for r in mine})
    if len(finals) < 2:
        return ""
    (a, (ma, ca, sa)), (b, (mb, cb, sb)) = sorted(finals.items(), key=lambda kv: -kv[1][0])
    if ma < TOO_SHORT:
        text = (f"**Verdict:** too short to tell: neither agent passes {TOO_SHORT} pipes yet "
                f"(final means of {ma:.1f} for {a} and {mb:.1f} for {b}); give each a longer "
                f"budget (`--seconds 600` is the default).")
    elif ma - mb < LEVEL:
        text = (f"**Verdict:** with the same budget, the two end level: a final mean of {ma:.1f} "
                f"pipes each; games at the cap: {a} {ca}, {b} {cb}.")
    else:
        more = (f"{ma / mb:.1f}x as many" if mb > 0 and ma / mb >= 1.1
                else f"{ma - mb:.1f} pipes more")
        text = (f"**Verdict:** with the same budget, {a} ends ahead: a final mean of {ma:.1f} "
                f"pipes against {b}'s {mb:.1f} ({more}); games at the cap: {ca} against {cb}.")
        spread = max(_seed_spread(sa), _seed_spread(sb))
        if ma - mb < spread:
            text += (f" That gap is smaller than the spread between seeds (their final means "
                     f"have a std of up to {spread:.1f} pipes): these seeds do not tell the two "
                     f"apart.")
    seeds = sorted(set(sa) & set(sb))
    if seeds:
        ahead = sum(sa[s] - sb[s] >= LEVEL for s in seeds)
        behind = sum(sb[s] - sa[s] >= LEVEL for s in seeds)
        level = len(seeds) - ahead - behind
        text += (f" Seed by seed (the same seed for both), {a} is higher on {ahead} of "
                 f"{len(seeds)}, {b} on {behind}" + (f", level on {level}." if level else "."))
    for agent in finals:
        got = [t for t in (r.first_reaching(100, "seconds") for r in runs if r.agent == agent)
               if t is not None]
        count = sum(r.agent == agent for r in runs)
        text += (f" {agent} reached an evaluation mean of 100 on {len(got)} of {count} seeds"
                 + (f" (median {np.median(got):.0f} s of training)." if got else "."))
    return text


def _seed_spread(per_seed: dict[int, float]) -> float:
    """The std of the per-seed final means, as the table's "over the seeds" row gives it."""
    return float(np.std(list(per_seed.values()))) if len(per_seed) > 1 else 0.0


def _csv_text(header: list[str], rows: list[list]) -> str:
    import io
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def comparison_intro(runs: list[AgentRun], game: GameConfig, budget: dict) -> str:
    budget_text = ", ".join(f"{k} = {v:g}" for k, v in budget.items() if v) or "none"
    game_text = "the default (the original's geometry)" if game == GameConfig() else game.to_dict()
    return (f"Game: {game_text}. Budget per agent and seed: {budget_text}. Final evaluation: "
            f"{len(runs[0].final['scores'])} greedy games per seed on unseen seeds, the same "
            f"games for both agents, capped at {runs[0].final['max_score']} pipes. The curves "
            f"are evaluations during training, on other unseen seeds.")


def write_report(runs: list[AgentRun], out: Path, title: str, intro: str, said: str,
                 echo: Callable[[str], None] = print) -> None:
    """Every file of a report on `runs` (grouped by their label), each written atomically, so a
    report cut short keeps the last whole one: curves.csv, finals.csv, the plots, summary.md
    and summary.html (`intro`, the verdict `said`, the table, the captioned plots)."""
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "curves.csv", _csv_text(
        ["agent", "seed", "seconds", "env_steps", "episodes", "eval_mean"],
        [[r.agent, r.seed, f"{p['seconds']:.3f}", p["env_steps"], p["episodes"], p["mean"]]
         for r in runs for p in r.curve]))
    atomic_write_text(out / "finals.csv", _csv_text(
        ["agent", "seed", "env_steps", "seconds", "episodes", "mean", "std", "median", "max",
         "capped_share"],
        [[r.agent, r.seed, r.env_steps, f"{r.seconds:.1f}", r.episodes, r.final["mean"],
          r.final["std"], r.final["median"], r.final["max"], r.final["capped_share"]]
         for r in runs]))
    for key, label, name in AXES:
        plot_curves(runs, key, label, out / name)
    table = summary_rows(runs)
    figures_md = "".join(f"![score against {label}]({name})\n\n*{caption(label)}*\n\n"
                         for _, label, name in AXES)
    atomic_write_text(out / "summary.md", f"# {title}\n\n{intro}\n\n{said}\n\n"
                                          f"{markdown_table(table)}\n\n{figures_md}")
    atomic_write_text(out / "summary.html", html_report(title, intro, said, table))
    echo(markdown_table(table))
    if said:
        echo(said.replace("**", ""))
    echo(f"report written to {out}")


STYLE = ("body{font-family:system-ui,sans-serif;max-width:860px;margin:2em auto;padding:0 1em;"
         "line-height:1.45;color:#222}table{border-collapse:collapse;margin:1em 0}"
         "td,th{border:1px solid #ccc;padding:5px 10px;text-align:left;vertical-align:top}"
         "th{background:#f3f3f3}td:first-child{color:#555}figure{margin:2em 0}"
         "img{max-width:100%;height:auto}figcaption{font-size:.9em;color:#555}"
         ".verdict{background:#f6f8fa;border-left:4px solid #4a7;padding:.6em 1em}")


def html_report(title: str, intro: str, said: str, table: dict[str, dict[str, str]]) -> str:
    e = html.escape
    agents = list(table)
    head = "<tr><th></th>" + "".join(f"<th>{e(a)}</th>" for a in agents) + "</tr>"
    body = "".join("<tr><td>" + e(m) + "</td>" + "".join(f"<td>{e(table[a][m])}</td>"
                                                         for a in agents) + "</tr>"
                   for m in table[agents[0]])
    figures = "".join(f"<figure><img src='{name}' alt='score against {e(label)}'>"
                      f"<figcaption>{e(caption(label))}</figcaption></figure>"
                      for _, label, name in AXES)
    verdict_html = f"<p class='verdict'>{e(said.replace('**', ''))}</p>" if said else ""
    return ("<!doctype html><html lang='en'><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{e(title)}</title><style>{STYLE}</style>"
            f"<h1>{e(title)}</h1><p>{e(intro)}</p>{verdict_html}"
            f"<table>{head}{body}</table>{figures}</html>\n")
