"""How many episodes until a policy-gradient estimate points the right way.

After Ilyas et al., "A Closer Look at Deep Policy Gradients" (ICLR 2020), Figs. 1 and 2, on the
real game: for each estimator, the cosine similarity of a batch estimate to a reference
gradient from many more episodes, and the cosine between two independent estimates, against the
batch size in episodes.

How it is measured:
- A pool of episodes is played with the policy (training's rollout, capped at the training
  score cap) and each episode's own gradient Σ_t credit_t ∇log π(a_t|s_t) is kept, per
  estimator. A batch estimate of N episodes is the mean of
  N of them, so every batch size and repeat is a resample of the pool, not a new rollout.
- The baselines are fixed functions learned or measured on other episodes (a V(s) fit, and the
  mean reward-to-go at each time step), so each estimate stays a mean of independent terms and
  stays unbiased. (Training's batch-mean baseline uses the batch itself; at these sizes the two
  agree.)
- The reference gradient is the mean over a separate, larger set of K episodes, with the estimator
  whose per-episode spread tr(Σ) in the pool is smallest (all are unbiased). K is chosen so that
  its own error, sqrt(tr Σ / K), is at most `reference_noise` of the gradient's norm (estimated
  from the pool), within [`reference`, `reference_max`]; that error is reported.
- Returns are undiscounted (γ = 1), so all estimators estimate the same gradient.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from flappy_pg.agents.reinforce.algorithm import discounted_returns, full_returns, policy_actor
from flappy_pg.agents.reinforce.networks import Policy, ValueBaseline
from flappy_pg.agents.rollout import Episodes, play_keys
from flappy_pg.game.config import GameConfig, RewardConfig
from flappy_pg.game.core import Physics, episode_keys
from flappy_pg.game.observation import Features

ESTIMATORS = ("full return", "reward-to-go", "reward-to-go - mean baseline", "reward-to-go - V(s)")
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
LEVELS = (0.5, 0.9)


@dataclass
class Settings:
    pool: int = 8192  # episodes whose per-episode gradients are resampled into batches
    reference: int = 16384  # fewest episodes of the reference gradient
    reference_max: int = 65536  # most episodes of the reference gradient
    reference_noise: float = 0.2  # the reference's error aimed at, as a share of its norm
    fit: int = 1024  # episodes for the baselines (V(s) and the mean per time step)
    fit_epochs: int = 300  # minibatch steps of the V(s) regression
    batch_sizes: tuple[int, ...] = BATCH_SIZES
    repeats: int = 30
    max_score: int = 100  # training's cap
    chunk: int = 256  # games played (and differentiated) at once
    seed: int = 0


@dataclass
class Curves:
    """One policy's measurements: per estimator and batch size, the cosines over repeats."""

    label: str
    steps_per_episode: float
    crash_share: float
    reference_norm: float
    reference_noise: float  # estimated RMS error of the reference, sqrt(tr Σ / K)
    reference_estimator: str
    reference_episodes: int
    trace: dict[str, float]  # tr Σ of one episode's gradient, per estimator
    to_reference: dict[str, np.ndarray] = field(default_factory=dict)  # sizes x repeats
    pairwise: dict[str, np.ndarray] = field(default_factory=dict)
    batch_sizes: tuple[int, ...] = BATCH_SIZES


# -- episodes ----------------------------------------------------------------------------------
def play(policy: Policy, config: GameConfig, rewards: RewardConfig, games: int, stream: int,
         s: Settings, rng: np.random.Generator):
    """`games` episodes in chunks, each as an `Episodes`; `stream` keeps pools apart."""
    physics, features = Physics(config), Features(config)
    act = policy_actor(policy, rng)
    for first in range(0, games, s.chunk):
        n = min(s.chunk, games - first)
        keys = episode_keys(s.seed, stream * 1_000_000 + first // s.chunk, n)
        yield play_keys(physics, features, rewards, keys, act, s.max_score)


def reward_to_go(e: Episodes) -> np.ndarray:
    return discounted_returns(e.rewards, e.mask, 1.0)


@dataclass
class Baselines:
    value: ValueBaseline
    mean_by_step: np.ndarray  # mean reward-to-go at each time step of an episode

    def credits(self, e: Episodes) -> np.ndarray:
        """T x N x estimators: each step's weight on ∇log π(a_t|s_t), per estimator."""
        rtg = reward_to_go(e)
        steps = len(e.mask)
        mean = np.zeros(steps)
        known = min(steps, len(self.mean_by_step))
        mean[:known] = self.mean_by_step[:known]
        with torch.no_grad():
            v = self.value(torch.from_numpy(e.observations.reshape(-1, e.observations.shape[-1])))
        v = v.numpy().reshape(e.mask.shape)
        columns = (full_returns(e.rewards, e.mask, 1.0), rtg, rtg - mean[:, None], rtg - v)
        return np.stack(columns, axis=-1) * e.mask[..., None]


def fit_baselines(policy: Policy, config, rewards, s: Settings, rng) -> Baselines:
    """V(s) regressed on reward-to-go, and the mean reward-to-go per time step, both from
    episodes of their own."""
    episodes = list(play(policy, config, rewards, s.fit, 1, s, rng))
    obs = torch.from_numpy(np.concatenate([e.observations[e.mask] for e in episodes]))
    target = torch.from_numpy(np.concatenate([reward_to_go(e)[e.mask] for e in episodes])).float()
    steps = max(len(e.mask) for e in episodes)
    total, count = np.zeros(steps), np.zeros(steps)
    for e in episodes:
        total[:len(e.mask)] += (reward_to_go(e) * e.mask).sum(1)
        count[:len(e.mask)] += e.mask.sum(1)
    torch.manual_seed(s.seed)
    value = ValueBaseline(8, (64, 64), float(policy.input_scale))
    optimizer = torch.optim.Adam(value.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(s.seed)
    for _ in range(s.fit_epochs):
        index = torch.randint(len(obs), (min(4096, len(obs)),), generator=generator)
        loss = ((value(obs[index]) - target[index]) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return Baselines(value, total / np.maximum(count, 1))


# -- per-episode gradients ---------------------------------------------------------------------
def episode_gradients(policy: Policy, e: Episodes, credits: np.ndarray) -> np.ndarray:
    """N x estimators x P: each episode's Σ_t credit_t ∇log π(a_t|s_t), flattened in the order
    of `policy.parameters()`. One forward over the padded N x T batch; per estimator one ordinary
    backward gives each step's gradient at every linear layer's output, and each episode's
    weight gradient is that times the layer's input, summed over the episode's steps (the
    per-example gradient trick: steps only interact through the sum)."""
    linears = [m for m in policy.modules() if isinstance(m, torch.nn.Linear)]
    if sum(p.numel() for m in linears for p in m.parameters()) != \
            sum(p.numel() for p in policy.parameters()):
        raise ValueError("per-episode gradients need a policy made of linear layers only")
    seen: dict = {}

    def keep(module, inputs, output):
        output.retain_grad()
        seen[module] = (inputs[0].detach(), output)
    hooks = [m.register_forward_hook(keep) for m in linears]
    try:
        obs = torch.from_numpy(e.observations.swapaxes(0, 1).copy())  # N x T x 8
        actions = torch.from_numpy(e.actions.swapaxes(0, 1).copy())
        log_probs = torch.log_softmax(policy(obs), dim=-1).gather(2, actions[..., None]).squeeze(2)
    finally:
        for hook in hooks:
            hook.remove()
    weights = torch.from_numpy(credits.swapaxes(0, 1).copy()).float()  # N x T x estimators
    n, estimators = weights.shape[0], weights.shape[2]
    grads = np.empty((n, estimators, sum(p.numel() for p in policy.parameters())), dtype=np.float32)
    for k in range(estimators):
        for _, output in seen.values():
            output.grad = None
        (weights[..., k] * log_probs).sum().backward(retain_graph=k < estimators - 1)
        parts = []
        for m in linears:
            layer_input, output = seen[m]
            parts += [torch.einsum("nto,nti->noi", output.grad, layer_input).reshape(n, -1),
                      output.grad.sum(1)]
        grads[:, k] = torch.cat(parts, dim=1).numpy()
    policy.zero_grad()
    return grads


def batch_gradient(policy: Policy, e: Episodes, credit: np.ndarray) -> torch.Tensor:
    """Σ over the chunk's episodes of Σ_t credit_t ∇log π(a_t|s_t) (one ordinary backward)."""
    m = e.mask
    log_probs = torch.log_softmax(policy(torch.from_numpy(e.observations[m])), dim=-1)
    log_prob = log_probs.gather(1, torch.from_numpy(e.actions[m])[:, None]).squeeze(1)
    total = (torch.from_numpy(credit[m]).float() * log_prob).sum()
    policy.zero_grad()
    total.backward()
    return torch.cat([p.grad.reshape(-1) for p in policy.parameters()]).double()


# -- the measurement ---------------------------------------------------------------------------
def measure(policy: Policy, config: GameConfig, label: str, s: Settings = Settings(),
            rewards: RewardConfig = RewardConfig(), echo: Callable[[str], None] = print) -> Curves:
    rng = np.random.default_rng(s.seed)
    echo(f"{label}: fitting the baselines on {s.fit:,} episodes ...")
    baselines = fit_baselines(policy, config, rewards, s, rng)
    echo(f"{label}: per-episode gradients of {s.pool:,} episodes ...")
    pool, steps, crashes = [], 0, 0
    for e in play(policy, config, rewards, s.pool, 3, s, rng):
        pool.append(episode_gradients(policy, e, baselines.credits(e)))
        steps, crashes = steps + e.steps, crashes + int((~e.truncated).sum())
    grads = np.concatenate(pool)  # pool x estimators x P
    trace = {name: float(grads[:, i].astype(np.float64).var(0, ddof=1).sum())
             for i, name in enumerate(ESTIMATORS)}
    best = min(range(len(ESTIMATORS)), key=lambda i: trace[ESTIMATORS[i]])
    spread = trace[ESTIMATORS[best]]
    # |mean|² overestimates |g|² by tr Σ / pool; a floor keeps K finite for a flat gradient.
    signal = max(float(np.square(grads[:, best].astype(np.float64).mean(0)).sum()) - spread / s.pool,
                 spread / s.pool)
    k = int(min(max(math.ceil(spread / (s.reference_noise ** 2 * signal)), s.reference),
                s.reference_max))
    echo(f"{label}: reference gradient from {k:,} episodes ({ESTIMATORS[best]}) ...")
    reference = torch.zeros(sum(p.numel() for p in policy.parameters()), dtype=torch.float64)
    for e in play(policy, config, rewards, k, 2, s, rng):
        reference += batch_gradient(policy, e, baselines.credits(e)[..., best])
    reference /= k
    curves = Curves(label, steps / s.pool, crashes / s.pool, float(reference.norm()),
                    math.sqrt(spread / k), ESTIMATORS[best], k, trace,
                    batch_sizes=tuple(n for n in s.batch_sizes if 2 * n <= s.pool))
    ref = reference.numpy()
    draw = np.random.default_rng(s.seed + 1)
    for i, name in enumerate(ESTIMATORS):
        g = grads[:, i].astype(np.float64)
        to_ref, pairwise = np.zeros((len(curves.batch_sizes), s.repeats)), \
            np.zeros((len(curves.batch_sizes), s.repeats))
        for row, n in enumerate(curves.batch_sizes):
            for r in range(s.repeats):
                order = draw.permutation(len(g))
                a, b = g[order[:n]].mean(0), g[order[n:2 * n]].mean(0)
                to_ref[row, r], pairwise[row, r] = cosine(a, ref), cosine(a, b)
        curves.to_reference[name], curves.pairwise[name] = to_ref, pairwise
    return curves


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / norm) if norm > 0 else 0.0


# -- reading the curves ------------------------------------------------------------------------
def crossing(sizes, values, level: float) -> str:
    """The batch size at which a mean curve first reaches `level`, interpolated on log N."""
    sizes, values = np.asarray(sizes, dtype=float), np.asarray(values)
    if values[0] >= level:
        return f"≤ {sizes[0]:,.0f}"
    for i in range(1, len(sizes)):
        if values[i] >= level:
            x0, x1 = np.log(sizes[i - 1]), np.log(sizes[i])
            x = x0 + (level - values[i - 1]) / (values[i] - values[i - 1]) * (x1 - x0)
            return f"{math.exp(x):,.0f}"
    return f"> {sizes[-1]:,.0f}"


def predicted(curves: Curves, name: str, level: float, pairwise: bool) -> float:
    """The batch size the variance alone predicts: for independent estimates with covariance
    Σ/N around g, pairwise cos ≈ |g|² / (|g|² + tr Σ / N), cos to the truth ≈ its square root.
    |g|² is the reference's squared norm less its own noise, |ref|² - tr Σ_ref / K."""
    signal = curves.reference_norm ** 2 - curves.reference_noise ** 2
    ratio = curves.trace[name] / max(signal, 1e-12 * curves.reference_norm ** 2)
    c = level if pairwise else level ** 2
    return c / (1 - c) * ratio


def predicted_text(curves: Curves, name: str, level: float) -> str:
    """`predicted` as the table prints it: "not estimable" when the reference gradient is
    mostly its own noise (then |g|² is unknown and the ratio means nothing)."""
    if curves.reference_noise >= 0.5 * curves.reference_norm:
        return "not estimable"
    return f"{predicted(curves, name, level, False):,.0f}"


def table(all_curves: list[Curves]) -> str:
    lines = ["| policy | estimator | tr Σ of one episode | cos to reference 0.5 | 0.9 | "
             "pairwise cos 0.5 | 0.9 | predicted by tr Σ/‖g‖²: cos 0.5 | 0.9 |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for c in all_curves:
        for name in ESTIMATORS:
            to_ref = c.to_reference[name].mean(1)
            pair = c.pairwise[name].mean(1)
            lines.append(
                f"| {c.label} | {name} | {c.trace[name]:.3g} | "
                f"{crossing(c.batch_sizes, to_ref, 0.5)} | {crossing(c.batch_sizes, to_ref, 0.9)} | "
                f"{crossing(c.batch_sizes, pair, 0.5)} | {crossing(c.batch_sizes, pair, 0.9)} | "
                f"{predicted_text(c, name, 0.5)} | {predicted_text(c, name, 0.9)} |")
    return "\n".join(lines)


def summary(c: Curves) -> str:
    ceiling = c.reference_norm / math.hypot(c.reference_norm, c.reference_noise)
    return (f"{c.label}: {c.steps_per_episode:,.0f} steps per episode, {c.crash_share:.1%} of "
            f"episodes crash before the cap; reference gradient from {c.reference_episodes:,} "
            f"episodes ({c.reference_estimator}), norm {c.reference_norm:.4g}, its "
            f"estimated error {c.reference_noise:.3g} ({c.reference_noise / c.reference_norm:.1%} "
            f"of its norm: a perfect estimate would show a cosine of {ceiling:.3f} to it)")


COSINES_CAPTION = (
    "Each line is the mean cosine over resampled batches of that size; the bands (the full "
    "return's and reward-to-go - V(s)'s) are 95% confidence intervals. Left: cosine to the reference gradient (1 = the right direction; a "
    "noisy reference caps it below 1, see its line above). Right: cosine between two independent "
    "estimates (how much two updates agree). The dotted lines at 0.5 and 0.9 are the levels "
    "whose batch sizes the table gives; \"predicted\" is what the variance alone says those "
    "sizes should be, \"not estimable\" when the reference is mostly noise.")


BANDED = ("full return", "reward-to-go - V(s)")  # the extremes, drawn with their bands


def plot(all_curves: list[Curves], path, quick: bool = False) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(all_curves), 2, figsize=(11, 4 * len(all_curves)), dpi=110,
                             squeeze=False)
    for row, c in zip(axes, all_curves):
        for ax, kind, title in ((row[0], c.to_reference, "cosine to the reference gradient"),
                                (row[1], c.pairwise, "cosine between two independent estimates")):
            for name in ESTIMATORS:
                values = kind[name]
                mean = values.mean(1)
                half = 1.96 * values.std(1, ddof=1) / math.sqrt(values.shape[1])
                line, = ax.plot(c.batch_sizes, mean, "o-", markersize=3, label=name,
                                linewidth=2 if name in BANDED else 1)
                if name in BANDED:  # two bands only: four overlapping ones read as one smear
                    ax.fill_between(c.batch_sizes, mean - half, mean + half, alpha=0.2,
                                    color=line.get_color(), linewidth=0)
            for level in LEVELS:
                ax.axhline(level, color="gray", linestyle=":", linewidth=1)
                ax.annotate(f"cosine {level:g}", (1, level), xycoords=("axes fraction", "data"),
                            xytext=(-4, 3), textcoords="offset points", ha="right",
                            fontsize=8, color="gray")
            ax.set_xscale("log", base=2)
            lowest = min(float((kind[n].mean(1) - 1.96 * kind[n].std(1, ddof=1)
                                / math.sqrt(kind[n].shape[1])).min()) for n in ESTIMATORS)
            ax.set_ylim(min(-0.1, lowest - 0.05), 1.05)
            ax.set_xlabel("batch size (episodes)")
            ax.set_ylabel("cosine similarity")
            ax.set_title(f"{c.label}: {title}", fontsize=10)
            ax.grid(alpha=0.3)
    repeats = all_curves[0].pairwise[ESTIMATORS[0]].shape[1]
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False,
               title=f"line: mean of {repeats} resampled batches; band (full return and "
                     f"reward-to-go - V(s) only): its 95% confidence interval; dotted: the "
                     f"table's levels", title_fontsize=8)
    if quick:
        fig.suptitle("--quick sizes: a smoke test, too noisy to read", fontsize=11)
    fig.tight_layout(rect=(0, 0.16 / len(all_curves), 1, 1))
    fig.savefig(path)
    plt.close(fig)
