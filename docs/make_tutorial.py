"""Writes docs/reinforce_tutorial.ipynb from the cells below (the notebook's source of truth:
edit here, run `python docs/make_tutorial.py`, then run the notebook to fill its outputs)."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = []


def md(text: str) -> None:
    CELLS.append(new_markdown_cell(text.strip()))


def code(text: str) -> None:
    CELLS.append(new_code_cell(text.strip()))


md(r"""
# REINFORCE, from the log-derivative trick to a flying bird

This notebook takes you from the one identity behind every policy-gradient method,

$$\nabla_\theta\, \mathbb{E}_{\tau \sim \pi_\theta}[R(\tau)] \;=\; \mathbb{E}_{\tau \sim \pi_\theta}\big[R(\tau)\, \nabla_\theta \log \pi_\theta(\tau)\big],$$

to a Flappy Bird agent you write yourself in plain PyTorch, in about 10 minutes on a laptop CPU:

1. **The trick**, on a coin you can check by hand.
2. **The game** as a Gymnasium environment.
3. **REINFORCE from scratch**: collect complete episodes, returns, baseline, surrogate loss, update.
4. **Variance, measured**: why reward-to-go and a baseline matter.
5. **The product's trainer**, and the agent at mastery.
6. **Try this**: exercises.

Run it from a clone after README's test command (`pip install "torch==2.13.0" -e ".[test]"`):
`jupyter lab docs/reinforce_tutorial.ipynb` (or `python -m notebook`, VS Code, any client).
With `FLAPPY_PG_QUICK=1` in the environment every budget shrinks (the test suite runs it so);
the figures quoted in the text come from a full run.
""")

code(r"""
import io
import os
import time

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

import flappy_pg  # registers flappy_pg/FlappyBird-v0

QUICK = os.environ.get("FLAPPY_PG_QUICK") == "1"  # the test suite's smoke run: same cells, tiny budgets
torch.set_num_threads(2)
print("quick mode" if QUICK else "full run", "| torch", torch.__version__, "| gymnasium", gym.__version__)
""")

md(r"""
## 1. The trick, on a coin

A policy that flaps with probability $p = \sigma(\theta)$ (a Bernoulli over $x \in \{0, 1\}$) and a
payoff $f(x)$: $f(1) = 3$, $f(0) = 1$. Then $\mathbb{E}[f] = p\,f(1) + (1-p)\,f(0)$, and by hand

$$\frac{d}{d\theta}\mathbb{E}[f] = \sigma'(\theta)\,\big(f(1) - f(0)\big) = p(1-p)\,\big(f(1)-f(0)\big).$$

The log-derivative trick rewrites the same gradient as an expectation we can *sample*:
$\nabla_\theta p(x) = p(x)\,\nabla_\theta \log p(x)$, so
$\nabla_\theta \mathbb{E}[f] = \sum_x p(x) f(x) \nabla_\theta \log p(x) = \mathbb{E}[f(x)\,\nabla_\theta \log p(x)]$,
and for the Bernoulli $\nabla_\theta \log p(x) = x - p$. We never differentiate $f$: it could be
a whole game. The estimate from $N$ samples is unbiased, and its error shrinks like $1/\sqrt{N}$.
""")

code(r"""
theta = torch.tensor(-0.5, requires_grad=True)
f = {0: 1.0, 1: 3.0}
p = torch.sigmoid(theta)
expected_f = p * f[1] + (1 - p) * f[0]
exact = torch.autograd.grad(expected_f, theta)[0].item()  # autograd on the exact expectation
by_hand = (p * (1 - p) * (f[1] - f[0])).item()
print(f"p = {p.item():.4f}; exact gradient {exact:.5f}, by hand {by_hand:.5f}")

rng = np.random.default_rng(0)
sizes = np.unique(np.logspace(0, 5, 30).astype(int))
errors = []
for n in sizes:
    estimates = []
    for repeat in range(50):  # 50 independent estimates per N, to see their spread
        x = (rng.random(n) < p.item()).astype(float)
        payoff = np.where(x == 1, f[1], f[0])
        estimates.append(np.mean(payoff * (x - p.item())))  # f(x) * d/dθ log p(x)
    errors.append(np.sqrt(np.mean((np.array(estimates) - exact) ** 2)))
print(f"one estimate from 100,000 samples: {estimates[-1]:.5f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.loglog(sizes, errors, "o-", label="score-function estimate: RMS error")
ax.loglog(sizes, errors[0] / np.sqrt(sizes), "--", label="1/√N")
ax.set_xlabel("samples N")
ax.set_ylabel("error against the exact gradient")
ax.set_title("The sampled gradient meets the exact one as N grows")
ax.legend()
plt.show()
""")

md(r"""
## 2. The game as an environment

`flappy_pg/FlappyBird-v0` is a plain Gymnasium env on the project's numpy core. Two actions
(0: do nothing, 1: flap), and an observation of 8 floats, only what a player sees:
""")

code(r"""
env = gym.make("flappy_pg/FlappyBird-v0", render_mode="rgb_array")
obs, info = env.reset(seed=0)
meaning = {
    "bird_y": "the bird's top / screen height",
    "bird_speed": "vertical speed (+ is down) / max fall speed",
    "pipe1_dx": "bird's left edge to the next pipe's right edge / screen width",
    "pipe1_top": "bird's top to the next gap's top edge (+ is below) / screen height",
    "pipe1_bottom": "bird's bottom to the next gap's bottom edge / screen height",
    "pipe2_dx": "the same for the pipe after it",
    "pipe2_top": "",
    "pipe2_bottom": "",
}
from flappy_pg.game.observation import FEATURES
for i, name in enumerate(FEATURES):
    print(f"{i}  {name:<13} {obs[i]:+.3f}  {meaning[name]}")
print("actions:", env.action_space, "| observation space:", env.observation_space.shape)
print("rewards: +0.1 per frame alive, +1 per pipe passed, -1 on the crash frame; info['score'] counts pipes")
plt.figure(figsize=(2.5, 4.5))
plt.imshow(env.render())
plt.axis("off")
plt.title("the first frame")
plt.show()
""")

md(r"""
**A random bird's fate.** Flap with probability 0.5 and the bird shoots to the top of the
screen; never flap and it falls. Either way it dies at the first pipe, and every bird dies on
the same frame, so a batch of such episodes tells the learner nothing about flap timing.
Flapping rarely (p = 0.08, once every 12.5 frames on average) keeps a bird about level, and
some meet the gap by chance:
""")

code(r"""
def random_scores(p_flap, games=200, seed=0):
    envs = gym.make_vec("flappy_pg/FlappyBird-v0", num_envs=games, vectorization_mode="vector_entry_point")
    envs.reset(seed=seed)
    rng = np.random.default_rng(seed)
    alive, scores, lengths = np.ones(games, bool), np.zeros(games), np.zeros(games)
    while alive.any():
        _, _, term, trunc, info = envs.step((rng.random(games) < p_flap).astype(np.int64))
        lengths += alive
        ended = alive & (term | trunc)
        scores[ended] = info["score"][ended]
        alive &= ~ended
    return scores, lengths

for p_flap in (0.5, 0.08, 0.0):
    scores, lengths = random_scores(p_flap)
    print(f"flap with p = {p_flap:4}: mean score {scores.mean():.2f}, games past a pipe "
          f"{(scores > 0).mean():4.0%}, episode length {lengths.min():.0f}-{lengths.max():.0f} frames")
""")

md(r"""
## 3. REINFORCE from scratch

The whole algorithm is five steps, named as in `flappy_pg/agents/reinforce/algorithm.py`:

1. **collect complete episodes** with the current policy (every game plays one episode; games
   that finish wait for the others, so each episode is complete and on-policy);
2. **returns**: the reward-to-go $G_t = \sum_{k \ge t} \gamma^{k-t} r_k$ credited to each step;
3. **baseline**: subtract a learned $V(s)$ from $G_t$ (then normalize), which lowers the
   variance without bias;
4. **surrogate loss** $-\frac{1}{T}\sum_t \log \pi_\theta(a_t|s_t)\,\hat A_t$, whose gradient is the
   log-derivative-trick estimate of $\nabla_\theta \mathbb{E}[R]$;
5. **update**: one Adam step; then fit $V(s)$ to the returns.

Three choices matter a lot (the project's experiments found them, `experiments/reinforce_first_steps`):
the policy **starts flapping with p = 0.08** (its last layer's bias), the inputs are **scaled
by 32** (the decisions turn on a few pixels), and training episodes are **capped at 100 pipes**.
""")

code(r"""
GAMES, SCALE, GAMMA = 256, 32.0, 0.99


def mlp(outputs):
    return nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, outputs))


def new_policy(p_flap=0.08, seed=0):
    torch.manual_seed(seed)
    policy = mlp(2)
    with torch.no_grad():  # near-zero last weights: the same flap probability p_flap everywhere
        policy[-1].weight.mul_(0.01)
        policy[-1].bias.copy_(torch.tensor([0.0, np.log(p_flap / (1 - p_flap))]))
    return policy


def collect_episodes(policy, envs, seed):
    # 1. one complete episode per game, recorded time-major (T x games)
    obs, _ = envs.reset(seed=seed)
    n = envs.num_envs
    playing, scores = np.ones(n, bool), np.zeros(n)
    trace = {"obs": [], "actions": [], "rewards": [], "playing": []}
    while playing.any():
        with torch.no_grad():
            logits = policy(torch.as_tensor(obs) * SCALE)
        actions = torch.distributions.Categorical(logits=logits).sample().numpy()
        next_obs, rewards, terminated, truncated, info = envs.step(actions)
        trace["obs"].append(obs)
        trace["actions"].append(actions)
        trace["rewards"].append(np.where(playing, rewards, 0.0))
        trace["playing"].append(playing.copy())
        ended = playing & (terminated | truncated)
        scores[ended] = info["score"][ended]
        playing &= ~ended  # a finished game waits: its next (reset) step is never recorded
        obs = next_obs
    return {k: np.stack(v) for k, v in trace.items()}, scores


def rewards_to_go(rewards, gamma):
    # 2. G_t = r_t + γ G_{t+1}, backwards over time, for every game at once
    returns, running = np.zeros_like(rewards), np.zeros(rewards.shape[1])
    for t in reversed(range(len(rewards))):
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns


def greedy_mean(policy, games=32, seed=1_000_000, max_score=1000):
    envs = gym.make_vec("flappy_pg/FlappyBird-v0", num_envs=games,
                        vectorization_mode="vector_entry_point", max_score=max_score)
    obs, _ = envs.reset(seed=seed)  # seeds no training batch uses
    playing, scores = np.ones(games, bool), np.zeros(games)
    while playing.any():
        with torch.no_grad():
            actions = policy(torch.as_tensor(obs) * SCALE).argmax(-1).numpy()
        obs, _, terminated, truncated, info = envs.step(actions)
        ended = playing & (terminated | truncated)
        scores[ended] = info["score"][ended]
        playing &= ~ended
    return scores.mean()


def reinforce(seconds, p_flap=0.08, seed=0, eval_every=30.0, lr=3e-3, gamma=GAMMA, baseline=True):
    policy, value = new_policy(p_flap, seed), mlp(1)
    optimizer = torch.optim.Adam(policy.parameters(), lr=lr)
    value_optimizer = torch.optim.Adam(value.parameters(), lr=1e-3)
    envs = gym.make_vec("flappy_pg/FlappyBird-v0", num_envs=GAMES,
                        vectorization_mode="vector_entry_point", max_score=100)
    curve, trained, steps, update, next_eval = [], 0.0, 0, 0, 0.0
    while trained < seconds:
        if trained >= next_eval:  # evaluation time is not training time
            curve.append({"seconds": trained, "env_steps": steps, "eval_mean": greedy_mean(policy)})
            next_eval += eval_every
        start = time.perf_counter()
        batch, scores = collect_episodes(policy, envs, seed=seed * 10**6 + update * GAMES)  # 1.
        returns = rewards_to_go(batch["rewards"], gamma)                                  # 2.
        mask = batch["playing"]
        obs = torch.as_tensor(batch["obs"][mask]) * SCALE
        actions = torch.as_tensor(batch["actions"][mask])
        returns = torch.as_tensor(returns[mask], dtype=torch.float32)
        with torch.no_grad():                                                             # 3.
            advantages = returns - value(obs).squeeze(-1) if baseline else returns.clone()
        advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
        log_probs = torch.log_softmax(policy(obs), -1).gather(1, actions[:, None]).squeeze(1)
        loss = -(log_probs * advantages).mean()                                           # 4.
        optimizer.zero_grad()                                                             # 5.
        loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        optimizer.step()
        for _ in range(10):  # fit V(s) to the Monte Carlo returns, a few minibatches
            index = torch.randint(len(returns), (4096,))
            value_loss = ((value(obs[index]).squeeze(-1) - returns[index]) ** 2).mean()
            value_optimizer.zero_grad()
            value_loss.backward()
            value_optimizer.step()
        trained += time.perf_counter() - start
        steps += int(mask.sum())
        update += 1
    curve.append({"seconds": trained, "env_steps": steps, "eval_mean": greedy_mean(policy)})
    return policy, curve
""")

md(r"""
Train it for 5 minutes. In the full run that made this notebook's outputs (a 2-core CPU, nothing
else running), the greedy evaluation (32 unseen games, capped at 1000 pipes, every 30 s of
training) first passed a mean of 50 pipes at 181 s (27.0 M env steps) and stood at 74.8 at
300 s; an earlier full run on a day the machine ran faster passed 50 at 120 s (24.8 M env steps)
and stood at 147.9 at 300 s.
The printout under the cell gives your run's figures.
""")

code(r"""
budget = 20 if QUICK else 300
policy, curve = reinforce(budget, eval_every=5 if QUICK else 30)
for point in curve:
    print(f"{point['seconds']:6.1f} s  {point['env_steps']:>12,} env steps  greedy mean {point['eval_mean']:7.1f}")
first_50 = next((p["seconds"] for p in curve if p["eval_mean"] >= 50), None)
print("a mean of 50 first at", "not reached" if first_50 is None else f"{first_50:.0f} s of training")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot([p["seconds"] for p in curve], [max(p["eval_mean"], 0.5) for p in curve], "o-")
ax.axhline(50, ls=":", c="gray")
ax.annotate("a mean of 50", (0, 50), xytext=(2, 3), textcoords="offset points", color="gray")
ax.set_yscale("log")
ax.set_xlabel("training time (s)")
ax.set_ylabel("greedy evaluation mean (pipes)")
ax.set_title("REINFORCE from scratch")
plt.show()
""")

md(r"""
**Why the start matters: the 50/50 plateau.** Start the same learner at a flap probability of
0.5, the maximum-entropy policy most code starts from. Every bird rises into the pipes and
dies on the same frame, every return is the same, the normalized advantages are noise, and
nothing is learned:
""")

code(r"""
stalled, stalled_curve = reinforce(5 if QUICK else 30, p_flap=0.5, eval_every=10)
print("started at 50/50, greedy means:", ", ".join(f"{p['eval_mean']:.1f}" for p in stalled_curve))
""")

md(r"""
## 4. Variance, measured

All these estimators have the same expectation, the true gradient; they differ in spread. The
gradient lab (`flappy_pg.studies.gradlab`) measures it on the real game for the policy of 20 s
into training (`checkpoints/reinforce-midway.pt`): many independent batches, each variant's
gradient on each, its spread (the trace of its covariance) and its mean cosine to a large-batch
reference. Lower spread means a given batch points closer to the true gradient; with batches of
32 short episodes every estimate is still far from it (cosines near 0.2): that is why training
batches hold 256 complete episodes.
""")

code(r"""
from flappy_pg.agents.reinforce.checkpoint import load_policy
from flappy_pg.game.config import GameConfig
from flappy_pg.paths import MIDWAY_POLICY
from flappy_pg.studies.gradlab.exact import estimator_variance

midway, _ = load_policy(MIDWAY_POLICY)
sizes = dict(batches=6, episodes=8, reference_episodes=256, reference_chunks=2, fit_epochs=30) if QUICK \
    else dict(batches=30, episodes=32, reference_episodes=4096, reference_chunks=4, fit_epochs=300)
rows = estimator_variance(midway, GameConfig(), echo=lambda line: None, **sizes)
lesson = {
    "full return": "every step is credited with the whole episode's rewards, those before it too",
    "reward-to-go": "rewards before a step (its action cannot cause them) are dropped: same mean, less spread",
    "reward-to-go - batch mean": "a constant baseline centres the returns: no bias, far less spread",
    "reward-to-go - V(s)": "a baseline per state: as good as V(s) is accurate (here fitted on a few thousand episodes)",
}
full = rows[0]["trace_cov"]
for row in rows:
    print(f"{row['variant']:<26} spread {row['trace_cov']:9.3g} ({full / row['trace_cov']:5.1f}x less than "
          f"the full return)  cosine to reference {row['cosine_to_reference']:+.2f}")
    print(f"{'':<26} {lesson[row['variant']]}")
""")

md(r"""
## 5. The product's trainer

`flappy_pg`'s `Trainer` runs the same five steps, faster (it plays the numpy core directly and
acts with a numpy copy of the policy) and with a few more levers (the V(s) fit, an entropy
bonus below an entropy floor, pipes with big drops more often, the last steps before a training
cap left out). `flappy-pg train` is it with logs, evaluations and checkpoints.
""")

code(r"""
from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.reinforce.trainer import Trainer

trainer = Trainer(TrainConfig(seed=0, torch_threads=2))
budget = 5 if QUICK else 60
while trainer.state.seconds < budget:
    stats = trainer.step()
result = evaluate(trainer.eval_actor(), trainer.config.game, episodes=32, seed=2_000_000, max_score=1000)
print(f"Trainer, {trainer.state.seconds:.0f} s and {trainer.state.env_steps:,} env steps:", result.line())
""")

md(r"""
The agent the project ships was trained by `flappy-pg train` to mastery; here it plays one game
(greedy), recorded from the env's `rgb_array` frames:
""")

code(r"""
from IPython.display import Image as ShowImage
from PIL import Image

from flappy_pg.agents.reinforce.networks import NumpyActor
from flappy_pg.paths import PRETRAINED_POLICY

shipped, _ = load_policy(PRETRAINED_POLICY)
actor = NumpyActor(shipped)
env = gym.make("flappy_pg/FlappyBird-v0", render_mode="rgb_array")
obs, _ = env.reset(seed=7)
frames = []
for frame in range(60 if QUICK else 240):
    obs, _, terminated, truncated, info = env.step(int(actor.flap_probability(obs[None])[0] > 0.5))
    if frame % 3 == 0:  # every third frame, at half size: a small GIF
        frames.append(Image.fromarray(env.render()).resize((144, 256)).quantize(32))
    if terminated or truncated:
        break
buffer = io.BytesIO()
frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
print(f"score {info['score']} after {frame + 1} frames")
ShowImage(data=buffer.getvalue(), format="gif")
""")

md(r"""
**Where to go next**

- `flappy-pg train` (then `flappy-pg watch checkpoints/<run>/best.pt`): the full trainer from
  the command line; `flappy-pg eval` scores a checkpoint on 100 unseen games.
- `flappy-pg compare`: REINFORCE against the tabular Q-learning baseline, same seeds and budget.
- `flappy-pg gradlab`: the exact gradient of a short game against the estimators, and their
  cosines against the batch size (`docs/gradlab/README.md` maps every term to the code).
- `flappy-pg train --obs pixels`: the same algorithm learning from the 64 x 36 frames.

## 6. Try this

Each exercise changes one argument of `reinforce(...)` above; run it with a short budget
(60-120 s) and compare its curve with the one in section 3.
""")

code(r"""
# Try this: a shorter horizon. With gamma=0.9 a flap is credited with about 10 frames of future,
# too few to see the next pipe: expect slower learning, or a stall below a mean of 10.
# policy_g, curve_g = reinforce(90, gamma=0.9)
""")

code(r"""
# Try this: no baseline. The advantages are then the normalized returns themselves: expect a
# noisier, slower climb (section 4 measures why).
# policy_nb, curve_nb = reinforce(90, baseline=False)
""")

code(r"""
# Try this: start at 50/50 for longer, or at p_flap=0.02. Expect 0.5 to stay at a mean of 0,
# and a too-shy bird (0.02) to fall before it ever meets a gap.
# policy_half, curve_half = reinforce(120, p_flap=0.5)
""")

code(r"""
# Try this: a larger learning rate (lr=1e-2). Expect a faster start and, often, a collapse
# back to 0 once the policy is nearly sure: one bad step cannot be undone by on-policy data.
# policy_lr, curve_lr = reinforce(90, lr=1e-2)
""")


def main() -> None:
    notebook = new_notebook(cells=CELLS, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    path = Path(__file__).with_name("reinforce_tutorial.ipynb")
    nbformat.write(notebook, path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
