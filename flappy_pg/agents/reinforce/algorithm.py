"""REINFORCE (Monte Carlo policy gradient) on the vectorized Flappy Bird env.

The whole algorithm, top to bottom:
1. `collect_batch`: every game plays complete episodes with the current policy (the buffer).
2. `discounted_returns` / `full_returns`: the Monte Carlo return credited to each step.
3. `advantages`: minus a baseline (none, the batch mean, or a learned V(s)), then normalized
   over the whole batch.
4. `policy_update`: one gradient step on the surrogate loss -mean(log π(a|s) · Â) (minus an
   entropy bonus): its gradient is the log-derivative-trick estimate of ∇θ E[R].
5. `fit_baseline`: regress V(s) on the returns (only when `baseline="value"`).
`Trainer` holds the networks and does one batch and one update per `step()`;
`flappy_pg.runs.harness` runs it with budgets, logging, evaluation and checkpoints.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from flappy_pg.agents.learner import Act, RunState
from flappy_pg.agents.reinforce.checkpoint import (
    check_weights,
    load_checkpoint,
    save_trainer,
    train_config_of,
)
from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.reinforce.networks import Policy, ValueBaseline, actor_for, make_networks
from flappy_pg.agents.rollout import Episodes, play_keys
from flappy_pg.envs.single import observation_setup
from flappy_pg.errors import CheckpointError
from flappy_pg.game.core import episode_keys
from flappy_pg.game.curriculum import training_physics


# -- 1. the buffer: complete episodes ----------------------------------------------------------
def policy_actor(policy: Policy, rng: np.random.Generator, greedy: bool = False,
                 actor=None) -> Act:
    """Actions from a snapshot of the policy (or the given `actor` of it): sampled from π(·|s),
    or its most likely action."""
    actor = actor or actor_for(policy)

    def act(observations: np.ndarray) -> np.ndarray:
        p_flap = actor.flap_probability(observations)
        if greedy:
            return (p_flap > 0.5).astype(np.int64)
        return (rng.random(len(p_flap)) < p_flap).astype(np.int64)
    return act


def collect_batch(play_round: Callable[[Act], Episodes], act: Act, min_steps: int = 0,
                  min_deaths: int = 0, max_rounds: int = 1) -> list[Episodes]:
    """Rounds of one complete episode per game, all with the same policy (`act`), until the
    batch holds at least `min_steps` steps and `min_deaths` crashes, or `max_rounds` rounds were
    played (a step target is always met)."""
    rounds = [play_round(act)]

    def short() -> bool:
        if sum(r.steps for r in rounds) < min_steps:
            return True
        deaths = sum(int((~r.truncated).sum()) for r in rounds)
        return deaths < min_deaths and len(rounds) < max_rounds
    while short():
        rounds.append(play_round(act))
    return rounds


# -- 2. returns --------------------------------------------------------------------------------
def discounted_returns(rewards: np.ndarray, mask: np.ndarray, gamma: float) -> np.ndarray:
    """Reward-to-go G_t = Σ_k γ^(k-t) r_k over each game's episode (time-major T x N; rewards
    are 0 after an episode's end, so nothing flows back from there)."""
    returns = np.zeros_like(rewards)
    running = np.zeros(rewards.shape[1:])
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns * mask


def full_returns(rewards: np.ndarray, mask: np.ndarray, gamma: float) -> np.ndarray:
    """The whole episode's discounted return R(τ) = Σ_t γ^t r_t, credited to every step."""
    discounts = gamma ** np.arange(len(rewards))[:, None]
    return (rewards * discounts).sum(axis=0, keepdims=True) * mask


# -- 3. advantages -----------------------------------------------------------------------------
def advantages(returns: torch.Tensor, baseline: str, values: torch.Tensor | None,
               normalize: bool) -> torch.Tensor:
    """Â = G - b, with b = 0, the batch mean of G, or V(s); then normalized over the batch."""
    if baseline == "mean":
        adv = returns - returns.mean()
    elif baseline == "value":
        adv = returns - values
    else:
        adv = returns.clone()
    if normalize and adv.numel() > 1:  # a std over one element is NaN
        adv = (adv - adv.mean()) / (adv.std() + 1e-8)
    return adv


# -- 4. the policy-gradient step ---------------------------------------------------------------
def surrogate_loss(policy: Policy, observations: torch.Tensor, actions: torch.Tensor,
                   adv: torch.Tensor, entropy_coef: float, entropy_floor: float = 0.0,
                   first_layer: torch.Tensor | None = None) -> tuple[torch.Tensor, dict]:
    """-mean(log π(a|s) · Â) - c · entropy: its gradient is the REINFORCE estimator. With an
    `entropy_floor`, the bonus applies only when the batch's mean entropy is below it.
    `first_layer`: the pixel MLP's first-layer products, as the actor computed them."""
    logits = policy(observations) if first_layer is None else policy(observations, first_layer)
    log_probs = torch.log_softmax(logits, dim=-1)  # as Categorical, cheaper
    log_prob = log_probs.gather(1, actions[:, None]).squeeze(1)
    entropy = -(log_probs.exp() * log_probs).sum(-1).mean()
    policy_loss = -(log_prob * adv).mean()
    stats = {"policy_loss": policy_loss.item(), "entropy": entropy.item()}
    if entropy_floor and stats["entropy"] >= entropy_floor:
        entropy_coef = 0.0
    return policy_loss - entropy_coef * entropy, stats


def policy_update(policy, optimizer, observations, actions, adv, entropy_coef, max_grad_norm,
                  entropy_floor=0.0, first_layer=None):
    loss, stats = surrogate_loss(policy, observations, actions, adv, entropy_coef, entropy_floor,
                                 first_layer)
    optimizer.zero_grad()
    loss.backward()
    if max_grad_norm > 0:
        stats["grad_norm"] = float(torch.nn.utils.clip_grad_norm_(policy.parameters(), max_grad_norm))
    optimizer.step()
    return stats


# -- 5. the learned baseline -------------------------------------------------------------------
def fit_baseline(value: ValueBaseline, optimizer, observations, returns, steps: int,
                 minibatch: int, generator: torch.Generator) -> float:
    """Regress V(s) on the Monte Carlo returns with a few minibatch steps (no more than two
    passes over the batch); returns the last MSE."""
    loss = torch.tensor(0.0)
    for _ in range(min(steps, -(-2 * len(returns) // minibatch))):
        index = torch.randint(len(returns), (min(minibatch, len(returns)),), generator=generator)
        loss = ((value(observations[index]) - returns[index]) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def complete_steps(episodes: Episodes, tail: int) -> np.ndarray:
    """The T x N mask of steps whose Monte Carlo return the cap did not cut short: the last
    `tail` steps of an episode truncated at the training cap are left out, because their return
    falls to 0 as if a crash were coming, which V(s) cannot foresee."""
    if tail <= 0:
        return episodes.mask
    t = np.arange(len(episodes.mask))[:, None]
    cut = episodes.truncated[None, :] & (t >= episodes.lengths[None, :] - tail)
    return episodes.mask & ~cut


def flatten(rounds: list[Episodes], config: TrainConfig):
    """The batch's steps as flat tensors, with each step's Monte Carlo return; and the mask of
    the steps kept, in the order the rounds recorded them (`Episodes.observations_at`)."""
    credit = discounted_returns if config.returns == "reward-to-go" else full_returns
    obs, actions, returns, kept = [], [], [], []
    for r in rounds:
        g = credit(r.rewards, r.mask, config.gamma)
        keep = complete_steps(r, config.truncated_tail)
        obs.append(r.observations_at(keep))
        actions.append(r.actions[keep])
        returns.append(g[keep])
        kept.append(keep[r.mask])
    return (torch.from_numpy(np.concatenate(obs)), torch.from_numpy(np.concatenate(actions)),
            torch.from_numpy(np.concatenate(returns)).float(), np.concatenate(kept))


def kept_first_layer(actor, kept: np.ndarray) -> torch.Tensor | None:
    """The first-layer products a pixel MLP's actor kept (one row per step played, in the order
    played, as `kept`), at the steps the update uses; None for other actors."""
    if getattr(actor, "first_layer", None) is None:
        return None
    products = np.concatenate(actor.first_layer)
    assert len(products) == len(kept), "the actor was called outside the batch's rounds"
    return torch.from_numpy(products[kept])


# -- the trainer ------------------------------------------------------------------------------
def training_observer(config: TrainConfig):
    """What the training games draw each step: the envs' observation, or for the pixel MLP only
    the cells it reads (drawing and storing the rest took a fifth of the time on long episodes)."""
    if config.obs == "pixels" and config.pixel_net == "mlp":
        from flappy_pg.game.pixels import PixelPairCut
        return PixelPairCut(config.game, tuple(config.pixel_columns), tuple(config.pixel_rows),
                            tuple(config.pixel_past_columns))
    return observation_setup(config.obs_type, config.game, np)[1]


class Trainer:
    """Runs REINFORCE under a `TrainConfig`; `step()` does one batch and one update."""

    def __init__(self, config: TrainConfig):
        self.config = config
        torch.set_num_threads(config.torch_threads)
        torch.manual_seed(config.seed)
        self.policy, self.value = make_networks(config)
        self.optimizer = torch.optim.Adam(self.policy.parameters(), lr=config.lr)
        self.value_optimizer = torch.optim.Adam(self.value.parameters(), lr=config.value_lr)
        self.generator = torch.Generator().manual_seed(config.seed)  # value-fit minibatches
        self.rng = np.random.default_rng(config.seed)  # action sampling
        self.physics = training_physics(config.game, config.extreme_gap_share)
        self.observer = training_observer(config)
        self.rounds = 0  # rounds of episodes played: with the seed, it gives the next pipe keys
        self.state = RunState()

    def play_round(self, act: Act) -> Episodes:
        """One complete episode in each of `games` new games."""
        c = self.config
        keys = episode_keys(c.seed, self.rounds, c.games)
        self.rounds += 1
        return play_keys(self.physics, self.observer, c.rewards, keys, act, c.train_max_score,
                         time_major=False)

    def step(self) -> dict:
        """Collect one batch of complete episodes and make one policy-gradient update."""
        c = self.config
        start = time.perf_counter()
        actor = actor_for(self.policy, keep_first_layer=True)
        rounds = collect_batch(self.play_round, policy_actor(self.policy, self.rng, actor=actor),
                               c.batch_steps, c.min_deaths, c.max_rounds)
        if c.lr_half_life_steps:  # a schedule on env steps, so a resumed run follows it exactly
            for group in self.optimizer.param_groups:
                group["lr"] = c.lr * 0.5 ** (self.state.env_steps / c.lr_half_life_steps)
        collect_seconds = time.perf_counter() - start
        obs, actions, returns, kept = flatten(rounds, c)
        values = None
        if c.baseline == "value":
            with torch.no_grad():
                values = self.value(obs)
        adv = advantages(returns, c.baseline, values, c.normalize_advantages)
        stats = policy_update(self.policy, self.optimizer, obs, actions, adv, c.entropy_coef,
                              c.max_grad_norm, c.entropy_floor, kept_first_layer(actor, kept))
        if c.baseline == "value":
            stats["value_loss"] = fit_baseline(self.value, self.value_optimizer, obs, returns,
                                               c.value_steps, c.value_minibatch, self.generator)
        scores = np.concatenate([r.scores for r in rounds])
        steps = sum(r.steps for r in rounds)
        seconds = time.perf_counter() - start
        s = self.state
        s.updates += 1
        s.env_steps += steps
        s.episodes += len(scores)
        s.seconds += seconds
        stats.update(update=s.updates, env_steps=s.env_steps, episodes=s.episodes,
                     seconds=round(s.seconds, 3), batch_steps=steps,
                     score_mean=float(scores.mean()), score_max=int(scores.max()),
                     return_mean=float(np.mean([r.rewards.sum(axis=0).mean() for r in rounds])),
                     episode_returns=np.concatenate([r.rewards.sum(axis=0) for r in rounds]),
                     episode_lengths=np.concatenate([r.lengths for r in rounds]),
                     sps=steps / seconds, collect_sps=steps / max(collect_seconds, 1e-9),
                     rounds=len(rounds), deaths=int(sum((~r.truncated).sum() for r in rounds)),
                     lr=self.optimizer.param_groups[0]["lr"])
        return stats

    def eval_actor(self, greedy: bool = True) -> Act:
        return policy_actor(self.policy, np.random.default_rng(self.config.eval_seed), greedy)

    def save(self, path) -> None:
        save_trainer(self, path)

    @classmethod
    def restore(cls, path: str | Path, overrides: dict) -> "Trainer":
        """The trainer in the state the checkpoint saved; `overrides` change budget settings."""
        payload = load_checkpoint(path)
        config = train_config_of(payload, path)
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
            if "rounds" not in payload["rng"]:
                raise CheckpointError("it was saved by flappy-pg 0.1, whose training games this "
                                      "version no longer draws: it evaluates and watches, but "
                                      "cannot be resumed")
            rounds = payload["rng"]["rounds"]
            if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 0:
                raise CheckpointError("its round counter is not a whole number")
            trainer.rounds = rounds
        except CheckpointError as error:
            raise CheckpointError(f"{path}: {error}") from None
        except Exception as error:  # a damaged optimizer or generator state, of any kind
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise CheckpointError(f"{path}: its training state does not fit: {message}") from None
        return trainer
