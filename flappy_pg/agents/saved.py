"""Saved agents, whichever learner made them: the one place that tells a REINFORCE checkpoint
(`.pt`, a torch archive) from a Q-table (`.npz`), by what the file holds rather than its name.

`load_agent(path, kind)` gives a `SavedAgent`: the game it was trained on, the observation it
reads, and actors for evaluation (a batch of observations at once) and for a window (one
observation, with a line that says what the agent thinks). A file of the other kind gets a
one-line error that names the command that takes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from flappy_pg.agents.learner import Act
from flappy_pg.errors import CheckpointError
from flappy_pg.files import is_zip_with
from flappy_pg.game.config import GameConfig
from flappy_pg.paths import PIXEL_POLICY, PRETRAINED_POLICY, PRETRAINED_QTABLE

REINFORCE, QLEARNING = "reinforce", "qlearning"
SHIPPED = {REINFORCE: PRETRAINED_POLICY, QLEARNING: PRETRAINED_QTABLE}
#: Where each kind is evaluated and watched, for the message on a file of the other kind.
COMMANDS = {REINFORCE: "`flappy-pg eval` or `flappy-pg watch`",
            QLEARNING: "`flappy-pg qlearn eval` or `qlearn watch`"}
NAMES = {REINFORCE: "a REINFORCE checkpoint", QLEARNING: "a Q-table"}

#: One observation to (action, a line about the agent's choice) for a window's overlay.
WindowAgent = Callable[[np.ndarray], tuple[int, str]]


def kind_of(path: str | Path) -> str | None:
    """REINFORCE or QLEARNING by the archive's members (torch writes `data.pkl`, numpy's .npz
    holds `meta.npy`), or None for anything else."""
    if is_zip_with(path, "data.pkl"):
        return REINFORCE
    if is_zip_with(path, "meta.npy"):
        return QLEARNING
    return None


@dataclass
class SavedAgent:
    kind: str
    path: Path
    label: str  # "REINFORCE" or "Q-learning"
    game: GameConfig
    obs_type: str
    actor: Callable[[bool, np.random.Generator], Act]  # (greedy, rng) -> batch actions
    window_agent: Callable[[bool, int | None], WindowAgent]  # (greedy, seed) -> one at a time


def load_agent(path: str | Path | None, kind: str) -> SavedAgent:
    """The saved agent of `kind` at `path` (None: the shipped one), checked."""
    path = Path(path) if path is not None else SHIPPED[kind]
    found = kind_of(path) if path.is_file() else None
    if found is not None and found != kind:
        raise CheckpointError(f"{path} is {NAMES[found]}: use {COMMANDS[found]}")
    return _load_policy(path) if kind == REINFORCE else _load_table(path)


def _load_policy(path: Path) -> SavedAgent:
    from flappy_pg.agents.reinforce.algorithm import policy_actor
    from flappy_pg.agents.reinforce.checkpoint import load_policy, train_config_of
    from flappy_pg.agents.reinforce.networks import actor_for
    policy, payload = load_policy(path)
    config = train_config_of(payload, path)

    def window_agent(greedy: bool, seed: int | None) -> WindowAgent:
        actor, rng = actor_for(policy), np.random.default_rng(seed)

        def agent(observation):
            p = float(actor.flap_probability(observation[None])[0])
            action = int(p > 0.5) if greedy else int(rng.random() < p)
            return action, f"flap probability {p:.2f}"
        return agent

    label = "REINFORCE" if config.obs_type == "features" else "REINFORCE (pixels)"
    return SavedAgent(REINFORCE, path, label, config.game, config.obs_type,
                      actor=lambda greedy, rng: policy_actor(policy, rng, greedy),
                      window_agent=window_agent)


def _load_table(path: Path) -> SavedAgent:
    from flappy_pg.agents.qlearning.algorithm import table_actor
    from flappy_pg.agents.qlearning.binning import Binning
    from flappy_pg.agents.qlearning.table import load_table
    q, config, _ = load_table(path)
    binning = Binning(config.game, **config.binning_settings)

    def window_agent(greedy: bool, seed: int | None) -> WindowAgent:
        def agent(observation):
            idle, flap = q[binning.cells(observation[None])[0]]
            return int(flap > idle), f"Q: idle {idle:+.3f}, flap {flap:+.3f}"
        return agent

    return SavedAgent(QLEARNING, path, "Q-learning", config.game, "features",
                      actor=lambda greedy, rng: table_actor(q, binning),
                      window_agent=window_agent)


#: The names `watch`, a race and `play --against` take for the shipped agents: (kind, file).
SHIPPED_NAMES = {"reinforce": (REINFORCE, PRETRAINED_POLICY),
                 "pixels": (REINFORCE, PIXEL_POLICY),
                 "qlearn": (QLEARNING, PRETRAINED_QTABLE),
                 "qlearning": (QLEARNING, PRETRAINED_QTABLE)}


def load_named(spec: str) -> SavedAgent:
    """A shipped agent by name (`reinforce`, `pixels`, `qlearn`) or a saved file of either kind."""
    if spec in SHIPPED_NAMES:
        kind, path = SHIPPED_NAMES[spec]
        return load_agent(path, kind)
    path = Path(spec)
    if not path.is_file():
        raise CheckpointError(f"no agent {spec!r}: give reinforce, pixels, qlearn, or the path of "
                              f"a checkpoint (.pt) or Q-table (.npz)")
    kind = kind_of(path)
    if kind is None:
        raise CheckpointError(f"{path} is neither a flappy-pg checkpoint nor a Q-table")
    return load_agent(path, kind)


def evaluate_saved(path: str | Path | None, kind: str, episodes: int, seed: int | None,
                   max_score: int, greedy: bool = True,
                   echo: Callable[[str], None] = print, note: Callable[[str], None] = print):
    """Evaluate a saved agent on unseen games: `note` says what is evaluated, `echo` the result
    line; returns the result."""
    from flappy_pg.agents.evaluate import TEST_SEED, evaluate
    agent = load_agent(path, kind)
    seed = TEST_SEED if seed is None else seed
    mode = ("greedy actions" if greedy else "sampled actions") if kind == REINFORCE else "greedy"
    note(f"evaluating {agent.path} ({mode}, seeds {seed}...{seed + episodes - 1})")
    # --sample draws its actions from a generator seeded like the games: the same run twice
    # gives the same scores.
    act = agent.actor(greedy, np.random.default_rng(seed))
    result = evaluate(act, agent.game, episodes=episodes, seed=seed, max_score=max_score,
                      obs_type=agent.obs_type)
    echo(result.line())
    watch = "flappy-pg watch" if kind == REINFORCE else "flappy-pg qlearn watch"
    if result.worst_line():
        echo(result.worst_line(f"{watch} {agent.path}"))
    return result
