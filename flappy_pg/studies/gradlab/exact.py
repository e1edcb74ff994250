"""The log-derivative trick at work: ∇θ E_τ~πθ[R(τ)] = E_τ~πθ[R(τ) ∇θ log πθ(τ)], measured.

Part 1, exact (`exactness`): from one real game state, every action sequence of a short horizon
(2^H trajectories) is enumerated with the core, so E[R] = Σ_τ P(τ) R(τ) is an exact function of
the policy's weights. Its gradient by autograd is the truth; the score-function estimators'
exact expectations (Σ_τ P(τ) · estimator(τ)) must equal it, and their Monte Carlo averages
from N sampled trajectories must converge to it with an error shrinking like 1/√N.

Part 2, the real game (`estimator_variance`): many independent batches of complete episodes;
on each, the policy gradient by each estimator variant (full return R(τ) on every step,
reward-to-go, reward-to-go minus a batch-mean baseline, minus a learned V(s)); each variant's
spread around a large-batch reference and its cosine similarity to it.
Both parts use undiscounted returns (γ = 1), so every variant estimates the same gradient.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from flappy_pg.agents.reinforce.algorithm import discounted_returns, full_returns
from flappy_pg.agents.reinforce.networks import Policy, ValueBaseline
from flappy_pg.agents.rollout import play_episodes
from flappy_pg.game.config import GameConfig, RewardConfig
from flappy_pg.game.core import GameBatch, Physics
from flappy_pg.game.observation import Features

VARIANTS = ("full return", "reward-to-go", "reward-to-go - batch mean", "reward-to-go - V(s)")


# -- part 1: an enumerable short game ----------------------------------------------------------
@dataclass
class TrajectoryTree:
    """All 2^H action sequences from one state. Row t, column ℓ: step t of trajectory ℓ (whose
    binary digits are its actions). `possible` drops sequences that act after a crash."""

    step_log_probs: torch.Tensor  # H x L, log π(a_t|s_t), with grad (0 after a crash)
    rewards: np.ndarray  # H x L
    values: np.ndarray  # H x L, exact V(s_t) = E[Σ_{k>=t} r_k | s_t]
    possible: np.ndarray  # L, bool

    @property
    def log_prob(self) -> torch.Tensor:
        return self.step_log_probs.sum(0)

    @property
    def returns(self) -> np.ndarray:
        return self.rewards.sum(0)

    @property
    def rewards_to_go(self) -> np.ndarray:
        return discounted_returns(self.rewards, np.ones(self.rewards.shape, dtype=bool), 1.0)

    def probabilities(self) -> np.ndarray:
        p = np.exp(self.log_prob.detach().double().numpy()) * self.possible
        return p / p.sum()


def new_game(config: GameConfig, seed: int) -> GameBatch:
    """One fresh game (a batch of 1) whose pipes follow from `seed`."""
    game = GameBatch(Physics(config), 1)
    game.reset(np.array([0]), np.array([np.random.default_rng(seed).integers(2**63)], dtype=np.uint64))
    return game


def start_state(config: GameConfig, seed: int = 3) -> GameBatch:
    """A moment that matters: a scripted bird about to enter a pipe, low in its gap."""
    game = new_game(config, seed)
    physics = game.physics
    while True:
        gap_bottom = game.next_gap[0] + config.pipe_gap
        game.step(np.array([game.y[0] + config.bird_height > gap_bottom - 12]))
        x = physics.pipe_x(game.t[0], game.next_index[0])
        if 0 < x - (config.bird_x + config.bird_width) <= 8 and game.next_index[0] >= 1:
            return game


def uncertain_state(policy: Policy, config: GameConfig, seed: int = 3,
                    frames: int = 3000) -> GameBatch:
    """The policy's own most uncertain moment (flap probability closest to 1/2) while it plays
    a game greedily: where its gradient has the most to say."""
    from flappy_pg.agents.reinforce.networks import NumpyActor
    actor, features = NumpyActor(policy), Features(config)
    game = new_game(config, seed)
    best, best_gap = game.select(np.array([0])), 1.0
    for _ in range(frames):
        p = float(actor.flap_probability(features.of_batch(game))[0])
        if abs(p - 0.5) < best_gap:
            best, best_gap = game.select(np.array([0])), abs(p - 0.5)
        game.step(np.array([p > 0.5]))
        if game.crashed[0]:
            break
    return best


def enumerate_tree(policy: Policy, game: GameBatch, horizon: int,
                   rewards: RewardConfig = RewardConfig()) -> TrajectoryTree:
    """Expand every action sequence of length `horizon` from the single game `game`."""
    features = Features(game.physics.config)
    leaves = 2 ** horizon
    step_lp, step_r, expanded = [], [], []
    possible = np.ones(leaves, dtype=bool)
    nodes = game
    for depth in range(horizon):
        n = nodes.num_games
        obs = features.of_batch(nodes)
        dtype = next(policy.parameters()).dtype
        logp = torch.log_softmax(policy(torch.from_numpy(obs).to(dtype)), dim=-1)  # n x 2
        dead = torch.from_numpy(nodes.crashed.copy())
        children = nodes.select(np.repeat(np.arange(n), 2))
        flap = np.tile([False, True], n)
        passed = children.step(flap)
        was_dead = np.repeat(nodes.crashed, 2)
        children.crashed |= was_dead  # a crash is final
        r = np.where(was_dead, 0.0, np.where(children.crashed, rewards.death,
                                               rewards.alive + rewards.pipe * passed))
        child_lp = torch.where(dead[:, None], torch.zeros_like(logp), logp).reshape(-1)
        impossible = was_dead & flap  # after a crash only "idle" continues the sequence
        path = np.arange(leaves) >> (horizon - depth - 1)
        step_lp.append(child_lp[path])
        step_r.append(r[path])
        expanded.append((logp.detach().exp().numpy(), r, impossible, path))
        possible &= ~impossible[path]
        nodes = children
    rewards_arr = np.stack(step_r)
    # Exact V(s_t): expected future reward under π, computed backwards over the tree.
    values = np.zeros((horizon, leaves))
    future = np.zeros(leaves)  # value of the state after the last step, per leaf
    for depth in range(horizon - 1, -1, -1):
        probs, r, impossible, path = expanded[depth]
        n = len(probs)
        child_value = np.zeros(2 * n)
        child_value[path] = r[path] + future  # r + V(child): the same on all of a child's leaves
        pi = np.where(impossible.reshape(n, 2)[:, 1:], [1.0, 0.0], probs)  # a crashed node: idle
        values[depth] = (pi * child_value.reshape(n, 2)).sum(1)[path >> 1]
        future = values[depth]
    return TrajectoryTree(torch.stack(step_lp), rewards_arr, values, possible)


def flat_grad(scalar: torch.Tensor, params: list[torch.Tensor]) -> torch.Tensor:
    grads = torch.autograd.grad(scalar, params, retain_graph=True, allow_unused=True)
    return torch.cat([(g if g is not None else torch.zeros_like(p)).reshape(-1)
                      for g, p in zip(grads, params)])


def exact_gradient(tree: TrajectoryTree, params) -> torch.Tensor:
    """∇ Σ_τ P(τ) R(τ) by autograd: the truth."""
    keep = torch.from_numpy(tree.possible)
    p = torch.exp(tree.log_prob[keep].double())
    return flat_grad((p * torch.from_numpy(tree.returns[tree.possible])).sum(), params)


def estimator_surrogate(tree: TrajectoryTree, variant: str, weights: np.ndarray,
                        batch_baseline: np.ndarray | None = None) -> torch.Tensor:
    """Σ_ℓ weights_ℓ · Σ_t credit_{t,ℓ} log π(a_t|s_t): its gradient is the estimator averaged
    with those weights (sample counts / N, or the exact probabilities)."""
    if variant == "full return":
        credit = np.broadcast_to(tree.returns, tree.rewards.shape)
    elif variant == "reward-to-go":
        credit = tree.rewards_to_go
    elif variant == "reward-to-go - batch mean":
        credit = tree.rewards_to_go - batch_baseline
    elif variant == "reward-to-go - V(s)":
        credit = tree.rewards_to_go - tree.values
    else:
        raise ValueError(variant)
    w = torch.from_numpy(weights * tree.possible)
    return (w * (torch.from_numpy(credit.copy()) * tree.step_log_probs.double()).sum(0)).sum()


def sample_estimate(tree, variant, rng, n, params) -> torch.Tensor:
    """The Monte Carlo estimate from n trajectories sampled from π."""
    leaves = rng.choice(len(tree.possible), size=n, p=tree.probabilities())
    counts = np.bincount(leaves, minlength=len(tree.possible)).astype(np.float64)
    baseline = None
    if variant == "reward-to-go - batch mean":
        # leave-one-out mean of the other samples' reward-to-go: it ignores the sample's own
        # actions, so the estimator stays unbiased
        g = tree.rewards_to_go
        total = (g * counts).sum(1, keepdims=True)
        baseline = (total - g) / max(n - 1, 1)
    return flat_grad(estimator_surrogate(tree, variant, counts / n, baseline), params)


def exactness(policy: Policy, config: GameConfig = GameConfig(), horizon: int = 10,
              sizes=(10, 100, 1000, 10000), repeats: int = 50, seed: int = 0,
              echo: Callable[[str], None] = print) -> dict:
    """Exact gradient vs its score-function estimates on the enumerated short game, from the
    policy's most uncertain moment; in float64 so that float32 rounding cannot hide a small
    gradient."""
    import copy
    policy = copy.deepcopy(policy).double()
    params = list(policy.parameters())
    # Where a policy is nearly sure of itself the gradient is nearly 0: among a few candidate
    # moments (its most uncertain one, birds about to enter pipes), take the steepest.
    candidates = [uncertain_state(policy, config, seed + 3)]
    candidates += [start_state(config, seed + 3 + k) for k in range(6)]
    trees = [enumerate_tree(policy, state, horizon) for state in candidates]
    truths = [exact_gradient(tree, params) for tree in trees]
    best = int(np.argmax([float(t.norm()) for t in truths]))
    tree, truth = trees[best], truths[best]
    probs = tree.probabilities()
    expectation = {v: flat_grad(estimator_surrogate(tree, v, probs, _exact_batch_mean(tree, probs)),
                                params) for v in VARIANTS if v != "reward-to-go - batch mean"}
    echo(f"enumerated {int(tree.possible.sum())} trajectories of {horizon} frames; "
         f"E[R] = {float((probs * tree.returns).sum()):.4f}, |∇E[R]| = {truth.norm():.5f}")
    for v, g in expectation.items():
        echo(f"  exact expectation of the '{v}' estimator: relative error "
             f"{float((g - truth).norm() / truth.norm()):.2e}")
    rng = np.random.default_rng(seed)
    rows = []
    for variant in VARIANTS:
        for n in sizes:
            errors = [float((sample_estimate(tree, variant, rng, n, params) - truth).norm())
                      for _ in range(repeats)]
            rms = math.sqrt(np.mean(np.square(errors)))
            rows.append({"variant": variant, "N": n, "rms_error": rms,
                         "relative": rms / float(truth.norm()), "error_x_sqrtN": rms * math.sqrt(n)})
    return {"truth": truth, "expectations": expectation, "rows": rows, "tree": tree}


def _exact_batch_mean(tree, probs):
    return (tree.rewards_to_go * probs).sum(1, keepdims=True)


# -- part 2: estimator variance on the real game -----------------------------------------------
def episode_credits(rewards: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
    """Per-step credit of the baseline-free variants (T x N, undiscounted)."""
    return {"full return": full_returns(rewards, mask, 1.0),
            "reward-to-go": discounted_returns(rewards, mask, 1.0)}


def batch_gradient(policy, params, episodes, credit: np.ndarray) -> torch.Tensor:
    """(1/N) Σ_i Σ_t credit_{t,i} ∇ log π(a_t|s_t) over one batch of N episodes."""
    m = episodes.mask
    obs = torch.from_numpy(episodes.observations[m])
    actions = torch.from_numpy(episodes.actions[m])
    log_prob = policy.distribution(obs).log_prob(actions)
    weights = torch.from_numpy(credit[m]).float()
    return flat_grad((weights * log_prob).sum() / m.shape[1], params)


def variant_gradients(policy, params, episodes, value: ValueBaseline) -> dict[str, torch.Tensor]:
    credits = episode_credits(episodes.rewards, episodes.mask)
    rtg, m = credits["reward-to-go"], episodes.mask
    # batch-mean baseline per time step, leave-one-out so each episode's own actions are excluded
    total, count = (rtg * m).sum(1, keepdims=True), m.sum(1, keepdims=True)
    loo = (total - rtg) / np.maximum(count - 1, 1)
    with torch.no_grad():
        v = value(torch.from_numpy(episodes.observations.reshape(-1, episodes.observations.shape[-1])))
    v = v.numpy().reshape(m.shape)
    credits["reward-to-go - batch mean"] = (rtg - loo) * m
    credits["reward-to-go - V(s)"] = (rtg - v) * m
    return {name: batch_gradient(policy, params, episodes, credits[name]) for name in VARIANTS}


def fit_value(value: ValueBaseline, episodes, epochs: int = 300, seed: int = 0) -> float:
    m = episodes.mask
    obs = torch.from_numpy(episodes.observations[m])
    target = torch.from_numpy(episode_credits(episodes.rewards, m)["reward-to-go"][m]).float()
    optimizer = torch.optim.Adam(value.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        index = torch.randint(len(obs), (min(4096, len(obs)),), generator=generator)
        loss = ((value(obs[index]) - target[index]) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def estimator_variance(policy: Policy, config: GameConfig, batches: int = 30, episodes: int = 32,
                       reference_episodes: int = 4096, reference_chunks: int = 8,
                       max_score: int = 2, seed: int = 0, fit_epochs: int = 300,
                       echo: Callable[[str], None] = print) -> list[dict]:
    """Each variant's spread over independent batches, against a large-batch reference."""
    from flappy_pg.agents.reinforce.algorithm import policy_actor
    from flappy_pg.envs.vector import FlappyBirdVectorEnv
    rng = np.random.default_rng(seed)
    act = policy_actor(policy, rng)
    params = list(policy.parameters())
    big = FlappyBirdVectorEnv(reference_episodes, config=config, max_score=max_score)
    echo(f"fitting V(s) on {reference_episodes} episodes ...")
    torch.manual_seed(seed)
    value = ValueBaseline(8, (64, 64), float(policy.input_scale))
    fit_value(value, play_episodes(big, act, record=True, seed=seed + 10**6), epochs=fit_epochs,
              seed=seed)
    echo(f"reference gradient from {reference_chunks} x {reference_episodes} more episodes ...")
    reference = sum(variant_gradients(policy, params,
                                      play_episodes(big, act, record=True,
                                                    seed=seed + (2 + chunk) * 10**6),
                                      value)["reward-to-go - batch mean"]
                    for chunk in range(reference_chunks)) / reference_chunks
    echo(f"squared norm of the reference gradient: {float(reference.norm()) ** 2:.4g}")
    env = FlappyBirdVectorEnv(episodes, config=config, max_score=max_score)
    estimates = {v: [] for v in VARIANTS}
    steps = 0
    for b in range(batches):
        batch = play_episodes(env, act, record=True, seed=seed + 3 * 10**6 + b * episodes)
        steps += batch.steps
        for name, g in variant_gradients(policy, params, batch, value).items():
            estimates[name].append(g)
    echo(f"{batches} batches of {episodes} episodes ({steps / batches:,.0f} steps per batch)")
    rows = []
    for name in VARIANTS:
        g = torch.stack(estimates[name]).double()
        mean = g.mean(0)
        trace = float(((g - mean) ** 2).sum(1).mean() * batches / (batches - 1))
        to_ref = float(((g - reference.double()) ** 2).sum(1).mean())
        cosine = float(torch.nn.functional.cosine_similarity(g, reference.double()[None], dim=1).mean())
        rows.append({"variant": name, "trace_cov": trace, "mse_to_reference": to_ref,
                     "cosine_to_reference": cosine})
    return rows
