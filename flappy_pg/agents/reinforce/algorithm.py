"""REINFORCE (Monte Carlo policy gradient), the five steps of one update:

1. `collect_batch`: every game plays one complete episode with the current policy (the buffer).
2. `discounted_returns` / `full_returns`: the Monte Carlo return credited to each step
   (`complete_steps`: the steps whose return a training cap did not cut short).
3. `advantages`: minus a baseline (none, the batch mean, or a learned V(s)), then normalized
   over the whole batch.
4. `surrogate_loss` / `policy_update`: one gradient step on -mean(log π(a|s) · Â) (minus an
   entropy bonus): its gradient is the log-derivative-trick estimate of ∇θ E[R].
5. `fit_baseline`: regress V(s) on the returns (only with a learned baseline, `value` or
   `state`).

`flappy_pg.agents.reinforce.trainer.Trainer` runs these steps on the batched game, one update
per `step()`; `flappy_pg.runs.harness` runs the trainer with budgets, logs and checkpoints.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from flappy_pg.agents.learner import Act
from flappy_pg.agents.reinforce.networks import CategoricalPolicy, ValueBaseline, actor_for
from flappy_pg.agents.rollout import Episodes


# -- 1. the buffer: complete episodes ----------------------------------------------------------
def policy_actor(policy: CategoricalPolicy, rng: np.random.Generator, greedy: bool = False,
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


def complete_steps(episodes: Episodes, tail: int) -> np.ndarray:
    """The T x N mask of steps whose Monte Carlo return the cap did not cut short: the last
    `tail` steps of an episode truncated at the training cap are left out, because their return
    falls to 0 as if a crash were coming, which V(s) cannot foresee."""
    if tail <= 0:
        return episodes.mask
    t = np.arange(len(episodes.mask))[:, None]
    cut = episodes.truncated[None, :] & (t >= episodes.lengths[None, :] - tail)
    return episodes.mask & ~cut


def at_complete_steps(records: list[np.ndarray], rounds: list[Episodes], tail: int) -> np.ndarray:
    """What was recorded at every step played (one array per call, the playing games' rows, in
    the order the rounds played them), at the steps the update uses (`complete_steps`)."""
    kept = np.concatenate([complete_steps(r, tail)[r.mask] for r in rounds])
    records = np.concatenate(records)
    assert len(records) == len(kept), "something was recorded outside the batch's rounds"
    return records[kept]


# -- 3. advantages -----------------------------------------------------------------------------
def advantages(returns: torch.Tensor, baseline: str, values: torch.Tensor | None,
               normalize: bool) -> torch.Tensor:
    """Â = G - b, with b = 0, the batch mean of G, or V(s) (on the observations, or on the
    game's state: `values` either way); then normalized over the batch."""
    if baseline == "mean":
        adv = returns - returns.mean()
    elif baseline in ("value", "state"):
        adv = returns - values
    else:
        adv = returns.clone()
    if normalize and adv.numel() > 1:  # a std over one element is NaN
        adv = (adv - adv.mean()) / (adv.std() + 1e-8)
    return adv


# -- 4. the policy-gradient step ---------------------------------------------------------------
def surrogate_loss(logits: torch.Tensor, actions: torch.Tensor, adv: torch.Tensor,
                   entropy_coef: float, entropy_floor: float = 0.0) -> tuple[torch.Tensor, dict]:
    """-mean(log π(a|s) · Â) - c · entropy, from the policy's `logits` at the batch's states:
    its gradient is the REINFORCE estimator. With an `entropy_floor`, the bonus applies only
    when the batch's mean entropy is below it."""
    log_probs = torch.log_softmax(logits, dim=-1)  # as Categorical, cheaper
    log_prob = log_probs.gather(1, actions[:, None]).squeeze(1)
    entropy = -(log_probs.exp() * log_probs).sum(-1).mean()
    policy_loss = -(log_prob * adv).mean()
    stats = {"policy_loss": policy_loss.item(), "entropy": entropy.item()}
    if entropy_floor and stats["entropy"] >= entropy_floor:
        entropy_coef = 0.0
    return policy_loss - entropy_coef * entropy, stats


def policy_update(policy: torch.nn.Module, optimizer: torch.optim.Optimizer,
                  logits: torch.Tensor, actions: torch.Tensor, adv: torch.Tensor,
                  entropy_coef: float, entropy_floor: float, max_grad_norm: float) -> dict:
    """One optimizer step on the surrogate loss, the gradient's norm clipped at `max_grad_norm`
    (0: not clipped); returns the loss, the entropy and the gradient's norm."""
    loss, stats = surrogate_loss(logits, actions, adv, entropy_coef, entropy_floor)
    optimizer.zero_grad()
    loss.backward()
    if max_grad_norm > 0:
        stats["grad_norm"] = float(torch.nn.utils.clip_grad_norm_(policy.parameters(), max_grad_norm))
    optimizer.step()
    return stats


# -- 5. the learned baseline -------------------------------------------------------------------
def fit_baseline(value: ValueBaseline | torch.nn.Module, optimizer: torch.optim.Optimizer,
                 observations: torch.Tensor, returns: torch.Tensor, steps: int, minibatch: int,
                 generator: torch.Generator) -> float:
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
