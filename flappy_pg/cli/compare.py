"""`flappy-pg compare`: REINFORCE against Q-learning on the same game, seeds and budget."""

from __future__ import annotations

from pathlib import Path

import click

from flappy_pg.cli.errors import UserError, friendly_errors
from flappy_pg.cli.options import (
    Finite,
    field_options,
    game_options,
    job_options,
    parse_seeds,
    writable_folder,
)
from flappy_pg.studies.compare import Comparison


@click.command()
@game_options
@click.option("--seconds", type=Finite(min=0), default=600, show_default=True,
              help="Training time per agent and seed (0: no time budget).")
@click.option("--steps", type=click.IntRange(0, 10**13), default=0,
              help="Env steps per agent and seed (0: no step budget).")
@click.option("--seeds", default="0,1,2", show_default=True, help="Training seeds, comma-separated.")
@field_options(Comparison, ["eval_every_seconds", "eval_episodes", "final_episodes"])
@click.option("--out", type=click.Path(file_okay=False), default="reports/compare",
              show_default=True, help="Report folder.")
@click.option("--save-agents", type=click.Path(file_okay=False), default=None,
              help="Also save every trained agent in this folder (reinforce-seed0.pt, "
                   "qlearning-seed0.npz, ...).")
@job_options
@friendly_errors
def compare(game_config, seconds, steps, seeds, eval_every_seconds, eval_episodes,
            final_episodes, out, save_agents, jobs):
    """Train REINFORCE and Q-learning on the same game, seeds and budget, evaluate both on the
    same unseen seeds, and write a report (table and plots). Each agent and seed is one job: one
    after another by default, several at once with --jobs, or on a Ray cluster with --ray; the
    report is rewritten as each job finishes. Ctrl-C or SIGTERM starts no new job, lets the
    running ones finish and keeps every finished result (--resume continues)."""
    from flappy_pg.studies.compare import run_comparison
    seed_list = parse_seeds(seeds)
    if not seconds and not steps:
        raise UserError("give a budget: --seconds or --steps")
    writable_folder(out)
    if save_agents:
        writable_folder(save_agents)
    comparison = Comparison(game_config, seed_list, seconds, steps, Path(out), eval_every_seconds,
                            eval_episodes, final_episodes,
                            save_agents=Path(save_agents) if save_agents else None)
    _, outcome = run_comparison(comparison, jobs, echo=click.echo)
    if outcome.exit_status():
        raise SystemExit(outcome.exit_status())
