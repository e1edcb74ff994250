"""REINFORCE from pixels: a small CNN policy learns Flappy Bird from `obs_type="pixels"` frames.

The same algorithm as `flappy-pg train` (complete on-policy episodes, reward-to-go, a baseline,
advantages normalized over the batch, one gradient step per batch), using its pieces from
`flappy_pg.reinforce`, on the vector env's 64 x 36 frames instead of the 8 features. One frame
shows no speed, so the policy sees two: the previous frame and the current one.

    python examples/reinforce_pixels.py --seconds 300 --seed 0

Prints a line per update and a greedy evaluation (32 unseen games) every --eval-every seconds.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import torch
from torch import nn

from flappy_pg.reinforce import advantages, discounted_returns, policy_update
from flappy_pg.vector_env import FlappyBirdVectorEnv


class PixelPolicy(nn.Module):
    """Two stacked 64 x 36 frames -> logits of (do nothing, flap)."""

    def __init__(self, init_flap_prob: float = 0.08):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(2, 16, 5, stride=2, padding=2), nn.ReLU(),   # 32 x 18
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),  # 16 x 9
            nn.Flatten(), nn.Linear(32 * 16 * 9, 64), nn.ReLU(), nn.Linear(64, 2))
        last = self.net[-1]
        nn.init.zeros_(last.weight)  # start as a bird that flaps now and then, not half the time
        with torch.no_grad():
            last.bias.copy_(torch.tensor([0.0, math.log(init_flap_prob / (1 - init_flap_prob))]))

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.net(frames.float() / 255.0)


def play(env: FlappyBirdVectorEnv, policy: PixelPolicy, seed: int, rng: np.random.Generator,
         greedy: bool = False):
    """One complete episode per game (finished games wait). Returns the frame pairs, actions,
    rewards and masks of the steps inside episodes (time-major), and each game's score."""
    frames, _ = env.reset(seed=seed)
    previous = frames.copy()
    n = env.num_envs
    playing = np.ones(n, dtype=bool)
    scores = np.zeros(n, dtype=np.int64)
    trace = {"obs": [], "actions": [], "rewards": [], "mask": []}
    actions = np.zeros(n, dtype=np.int64)
    while playing.any():
        pairs = np.stack([previous, frames], axis=1)  # n x 2 x 64 x 36
        with torch.no_grad():
            p_flap = torch.softmax(policy(torch.from_numpy(pairs)), -1)[:, 1].numpy()
        actions = (p_flap > 0.5) if greedy else (rng.random(n) < p_flap)
        actions = actions.astype(np.int64) * playing
        previous = frames
        frames, rewards, terminated, truncated, info = env.step(actions)
        trace["obs"].append(pairs)
        trace["actions"].append(actions)
        trace["rewards"].append(np.where(playing, rewards, 0.0))
        trace["mask"].append(playing.copy())
        ended = playing & (terminated | truncated)
        scores[ended] = info["score"][ended]
        playing &= ~ended
    return ({k: np.stack(v) for k, v in trace.items()}, scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--games", type=int, default=64, help="episodes per batch")
    parser.add_argument("--max-score", type=int, default=50, help="training episodes end here")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--eval-every", type=float, default=30.0)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    policy = PixelPolicy()
    optimizer = torch.optim.Adam(policy.parameters(), lr=args.lr)
    env = FlappyBirdVectorEnv(args.games, obs_type="pixels", max_score=args.max_score)
    test_env = FlappyBirdVectorEnv(32, obs_type="pixels", max_score=1000)
    start, next_eval, update, steps = time.perf_counter(), 0.0, 0, 0
    while True:
        elapsed = time.perf_counter() - start
        if elapsed >= next_eval or elapsed >= args.seconds:
            _, scores = play(test_env, policy, 1_000_000, rng, greedy=True)
            print(f"evaluation at {elapsed:6.1f} s, {steps:,} env steps: greedy mean "
                  f"{scores.mean():.1f} ± {scores.std():.1f}, max {scores.max()} (32 unseen games)",
                  flush=True)
            next_eval += args.eval_every
            if elapsed >= args.seconds:
                break
        batch, scores = play(env, policy, args.seed * 1_000_003 + update * args.games, rng)
        mask = batch["mask"]
        returns = torch.from_numpy(discounted_returns(batch["rewards"], mask, 0.99)[mask]).float()
        adv = advantages(returns, "mean", None, normalize=True)
        stats = policy_update(policy, optimizer, torch.from_numpy(batch["obs"][mask]),
                              torch.from_numpy(batch["actions"][mask]), adv, 0.0, 1.0)
        update += 1
        steps += int(mask.sum())
        print(f"update {update:4d}  steps {steps:>10,}  score mean {scores.mean():6.2f}  "
              f"max {scores.max():4d}  entropy {stats['entropy']:.3f}  "
              f"{time.perf_counter() - start:6.1f} s", flush=True)


if __name__ == "__main__":
    main()
