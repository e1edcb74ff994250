"""`Trainer`: REINFORCE's five steps (`algorithm.py`) run on the batched game under a
`TrainConfig`, one batch and one update per `step()`, with the networks, optimizers and random
generators a checkpoint saves and `restore` brings back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from flappy_pg.agents.learner import Act, RunState, abandonable
from flappy_pg.agents.reinforce.algorithm import (
    advantages,
    collect_batch,
    complete_steps,
    discounted_returns,
    fit_baseline,
    full_returns,
    policy_actor,
    policy_update,
)
from flappy_pg.agents.reinforce.checkpoint import (
    check_weights,
    holding_since_of,
    load_checkpoint,
    save_trainer,
    train_config_of,
)
from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.reinforce.death_replays import DeathBank, DeathRecorder
from flappy_pg.agents.reinforce.footprint import check_fits_memory
from flappy_pg.agents.reinforce.migrations import resumable_rounds
from flappy_pg.agents.reinforce.networks import make_networks
from flappy_pg.agents.reinforce.pixel_reuse import batch_logits, training_actor, training_observer
from flappy_pg.agents.reinforce.state_baseline import StateRecorder, kept_states
from flappy_pg.agents.rollout import Episodes, play_games
from flappy_pg.errors import CheckpointError
from flappy_pg.game.core import GameBatch, episode_keys
from flappy_pg.game.curriculum import training_physics


@dataclass
class Batch:
    """The batch's steps as flat tensors, in the order the rounds recorded them: only the steps
    whose return is complete (`complete_steps`), each with its Monte Carlo return."""

    observations: torch.Tensor
    actions: torch.Tensor
    returns: torch.Tensor
    states: torch.Tensor | None = None  # the game's features at each step (`baseline="state"`)

    def __len__(self) -> int:
        return len(self.returns)

    def subset(self, index: torch.Tensor) -> "Batch":
        return Batch(self.observations[index], self.actions[index], self.returns[index],
                     None if self.states is None else self.states[index])

    @property
    def value_inputs(self) -> torch.Tensor:
        """What V(s) reads: the game's features with a state baseline, else the observations."""
        return self.observations if self.states is None else self.states


def flatten(rounds: list[Episodes], config: TrainConfig) -> Batch:
    """Steps 1-2 joined: the rounds' steps with their returns, as one `Batch`."""
    credit = discounted_returns if config.returns == "reward-to-go" else full_returns
    obs, actions, returns = [], [], []
    for r in rounds:
        g = credit(r.rewards, r.mask, config.gamma)
        keep = complete_steps(r, config.truncated_tail)
        obs.append(r.observations_at(keep))
        actions.append(r.actions[keep])
        returns.append(g[keep])
    return Batch(torch.from_numpy(np.concatenate(obs)), torch.from_numpy(np.concatenate(actions)),
                 torch.from_numpy(np.concatenate(returns)).float())


class Trainer:
    """Runs REINFORCE under a `TrainConfig`; `step()` does one batch and one update."""

    def __init__(self, config: TrainConfig):
        check_fits_memory(config)
        self.config = config
        torch.set_num_threads(config.torch_threads)
        # numpy's BLAS (the actor's products) too: its own threads slowed even a lone run
        # (149% CPU against 99% for more env steps/s) and collapse as torch's do under load.
        threadpool_limits(config.torch_threads, user_api="blas")
        torch.manual_seed(config.seed)
        self.policy, self.value = make_networks(config)
        self.optimizer = torch.optim.Adam(self.policy.parameters(), lr=config.lr)
        self.value_optimizer = torch.optim.Adam(self.value.parameters(), lr=config.value_lr)
        self.generator = torch.Generator().manual_seed(config.seed)  # value-fit minibatches
        self.rng = np.random.default_rng(config.seed)  # action sampling
        self.physics = training_physics(config.game, config.extreme_gap_share)
        self.observer = training_observer(config)
        # with a state baseline, the games are drawn through a recorder of their features
        self.recorder = StateRecorder(self.observer, config.game) \
            if config.baseline == "state" else None
        self.rounds = 0  # rounds of episodes played: with the seed, it gives the next pipe keys
        self.state = RunState()
        self.deaths = DeathBank(self.physics)  # where replayed games start (replay_share)
        self.holding_since: int | None = None  # env steps when the hold began (hold_games, hold_lr)
        self.found: list = []  # this batch's deaths, banked once the batch is complete

    def play_round(self, act: Act) -> Episodes:
        """One complete episode in each of `games` games: new games, and with `replay_share`
        some that go on from a recent death's state (`death_replays`)."""
        c = self.config
        count = c.hold_games if self.holding_since is not None and c.hold_games else c.games
        games = GameBatch(self.physics, count)
        games.reset(np.arange(count), episode_keys(c.seed, self.rounds, count))
        self.rounds += 1
        caps = np.full(count, c.train_max_score)
        replayed = self.deaths.start_replays(games, caps, c.replay_share, c.replay_pipes, self.rng)
        recorder = DeathRecorder(games, replayed) if c.replay_share else None
        episodes = play_games(games, self.recorder or self.observer, c.rewards, act, caps,
                              time_major=False, watch=recorder)
        if recorder is not None:
            self.found += recorder.found
        episodes.replayed = replayed
        return episodes

    def step(self, should_stop: Callable[[], bool] | None = None) -> dict:
        """Collect → returns → advantages → policy update → V(s) fit, then the update's figures.
        When `should_stop()` turns true during the collection, the batch is dropped and the
        trainer put back as it was (`Abandoned`), so a checkpoint saved then resumes exactly."""
        c = self.config
        start = time.perf_counter()
        self.schedule_learning_rate()
        actor = training_actor(self.policy, self.observer)
        act = policy_actor(self.policy, self.rng, actor=actor)
        if should_stop is not None:
            act = abandonable(act, should_stop, self.rewind_to(self.rng.bit_generator.state,
                                                              self.rounds))
        self.found = []
        if self.recorder is not None:
            self.recorder.states = []
        rounds = collect_batch(self.play_round, act, c.batch_steps, c.min_deaths, c.max_rounds)
        self.deaths.add(self.found)
        collect_seconds = time.perf_counter() - start
        batch = flatten(rounds, c)
        if self.recorder is not None:
            batch.states = kept_states(self.recorder, rounds, c.truncated_tail)
        subset = self.update_subset(len(batch))
        if subset is not None:
            batch = batch.subset(subset)
        values = None
        learned_baseline = c.baseline in ("value", "state")
        if learned_baseline:
            with torch.no_grad():
                values = self.value(batch.value_inputs)
        adv = advantages(batch.returns, c.baseline, values, c.normalize_advantages)
        logits = batch_logits(self.policy, batch.observations, actor, rounds, c.truncated_tail,
                              subset)
        stats = policy_update(self.policy, self.optimizer, logits, batch.actions, adv,
                              c.entropy_coef, c.entropy_floor, c.max_grad_norm)
        if learned_baseline:
            stats["value_loss"] = fit_baseline(self.value, self.value_optimizer,
                                               batch.value_inputs, batch.returns, c.value_steps,
                                               c.value_minibatch, self.generator)
        return self.record(rounds, stats, time.perf_counter() - start, collect_seconds)

    def update_subset(self, steps: int) -> torch.Tensor | None:
        """The steps the update uses, in the batch's order: a random `update_share` of them
        (drawn with the V(s) fit's saved generator), or None for all."""
        share = self.config.update_share
        if share >= 1 or steps < 2:
            return None
        count = max(1, round(share * steps))
        return torch.randperm(steps, generator=self.generator)[:count].sort().values

    def rewind_to(self, rng_state: dict, rounds: int) -> Callable[[], None]:
        """What puts the trainer's generators back to a batch's start (to drop the batch)."""
        def rewind() -> None:
            self.rng.bit_generator.state, self.rounds = rng_state, rounds
        return rewind

    def schedule_learning_rate(self) -> None:
        """The policy's learning rate: `hold_lr` once the run holds, else `lr`; halved every
        `lr_half_life_steps` env steps (0: constant). A schedule on env steps and the saved
        hold, so a resumed run follows it exactly."""
        c = self.config
        holding = self.holding_since is not None and c.hold_lr
        if not (c.lr_half_life_steps or holding):
            return
        lr = c.hold_lr if holding else c.lr
        if c.lr_half_life_steps:
            lr *= 0.5 ** (self.state.env_steps / c.lr_half_life_steps)
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def begin_hold(self, rounds: list[Episodes]) -> bool:
        """Hold (`hold_games`, `hold_lr`) from the next batch on, once at least `hold_share` of a
        batch's new games reached the training cap: near the cap, the steps that taught the
        policy swing it."""
        c = self.config
        if self.holding_since is not None or not (c.hold_games or c.hold_lr):
            return False
        capped = np.concatenate([r.truncated[~r.replayed] for r in rounds])
        if not len(capped) or capped.sum() < c.hold_share * len(capped):
            return False
        self.holding_since = self.state.env_steps
        return True

    def record(self, rounds: list[Episodes], stats: dict, seconds: float,
               collect_seconds: float) -> dict:
        """Count the update in the run's state; the update's figures (logged and printed)."""
        scores = np.concatenate([r.scores[~r.replayed] for r in rounds])  # whole games only
        returns_per_round = [r.rewards.sum(axis=0) for r in rounds]
        steps = sum(r.steps for r in rounds)
        s = self.state
        s.updates += 1
        s.env_steps += steps
        s.episodes += len(scores)
        s.seconds += seconds
        if self.begin_hold(rounds):
            stats = {**stats, "hold_began": True}
        return {**stats, "update": s.updates, "env_steps": s.env_steps, "episodes": s.episodes,
                "seconds": round(s.seconds, 3), "batch_steps": steps,
                "score_mean": float(scores.mean()), "score_max": int(scores.max()),
                "return_mean": float(np.mean([g.mean() for g in returns_per_round])),
                "episode_returns": np.concatenate(returns_per_round),
                "episode_lengths": np.concatenate([r.lengths for r in rounds]),
                "sps": steps / seconds, "collect_sps": steps / max(collect_seconds, 1e-9),
                "rounds": len(rounds), "deaths": int(sum((~r.truncated).sum() for r in rounds)),
                "replays": int(sum(r.replayed.sum() for r in rounds)),
                "lr": self.optimizer.param_groups[0]["lr"]}

    def eval_actor(self, greedy: bool = True) -> Act:
        return policy_actor(self.policy, np.random.default_rng(self.config.eval_seed), greedy)

    def save(self, path) -> None:
        save_trainer(self, path)

    @classmethod
    def restore(cls, path: str | Path, overrides: dict) -> "Trainer":
        """The trainer in the state the checkpoint saved; `overrides` change budget settings."""
        payload = load_checkpoint(path)
        config = train_config_of(payload, path)
        if payload.get("snapshot"):
            raise CheckpointError(f"{path} is a snapshot of a run's policy: it evaluates and "
                                  f"watches, but cannot be resumed (resume the run's latest.pt)")
        try:
            trainer = cls(TrainConfig.from_dict({**config.to_dict(), **overrides}))
            check_weights(trainer.policy, payload["policy"], "policy")
            check_weights(trainer.value, payload["value"], "value")
            trainer.state = RunState.from_dict(payload["state"])
            trainer.policy.load_state_dict(payload["policy"])
            trainer.value.load_state_dict(payload["value"])
            trainer.optimizer.load_state_dict(payload["optimizer"])
            trainer.value_optimizer.load_state_dict(payload["value_optimizer"])
            trainer.rng.bit_generator.state = payload["rng"]["actions"]
            trainer.generator.set_state(payload["rng"]["value_minibatches"])
            trainer.rounds = resumable_rounds(payload["rng"])
            if "death_replays" in payload:
                trainer.deaths.load_payload(payload["death_replays"])
            trainer.holding_since = holding_since_of(payload)
        except CheckpointError as error:
            raise CheckpointError(f"{path}: {error}") from None
        except Exception as error:  # a damaged optimizer or generator state, of any kind
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise CheckpointError(f"{path}: its training state does not fit: {message}") from None
        return trainer
