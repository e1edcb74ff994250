"""Tabular Q-learning with a fine, non-uniform grid, many games and online updates (issue 10).

Usage: python experiments/qlearning_strong/qlearn_fine.py SEED STEPS OUT_CSV [key=value ...]
Keys: games (256), gamma (0.99), alpha (0.1), dx_fine (4: px per bin in the pipe's reach),
dy_fine (4: px per bin around the gap), rise (20: px per bin of the gap after next; 0 = not in
the state), eval_every (5,000,000 env steps), alpha_decay (0: α / (1 + visits/k) when k > 0).
Rewards: -1 on a crash, 0 otherwise (the env's rewards with alive = pipe = 0), γ < 1, table at
0 (optimistic: every value is <= 0, so untried actions look best). Evaluations: greedy table on
100 unseen games (seeds 2,000,000+), cap 1000.
"""

import ast
import csv
import sys
import time

import numpy as np

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.envs.vector import FlappyBirdVectorEnv
from flappy_pg.game.config import GameConfig, RewardConfig

seed, steps, out = int(sys.argv[1]), int(float(sys.argv[2])), sys.argv[3]
opts = dict(games=256, gamma=0.99, alpha=0.1, dx_fine=4, dy_fine=4, rise=20,
            eval_every=5_000_000, alpha_decay=0.0, game={})
opts.update({k: ast.literal_eval(v) for k, v in (a.split("=", 1) for a in sys.argv[4:])})
game = GameConfig.from_dict({**GameConfig().to_dict(), **opts["game"]})
span = game.gap_top_max - game.gap_top_min

dx_edges = np.unique(np.r_[np.arange(0, 100, opts["dx_fine"]), np.arange(100, 300, 20)])
dy_edges = np.unique(np.r_[-400, -200, -120, -80, -50, np.arange(-30, 110, opts["dy_fine"]),
                           110, 140, 180, 250, 400])
speed_edges = np.arange(-9, 12)
rise_edges = (np.arange(-span, span + 1, opts["rise"]) if opts["rise"] else np.array([0.0]))
shape = tuple(len(e) + 1 for e in (dx_edges, dy_edges, speed_edges, rise_edges))


def cells(obs: np.ndarray) -> np.ndarray:
    dx = np.digitize(np.rint(obs[:, 2] * game.screen_width), dx_edges)
    dy = np.digitize(np.rint(obs[:, 4] * game.screen_height), dy_edges)
    sp = np.digitize(np.rint(obs[:, 1] * game.max_fall_speed), speed_edges)
    ri = np.digitize(np.rint((obs[:, 6] - obs[:, 3]) * game.screen_height), rise_edges)
    return ((dx * shape[1] + dy) * shape[2] + sp) * shape[3] + ri


q = np.zeros((int(np.prod(shape)), 2))
visits = np.zeros(q.shape, dtype=np.int64)
n, gamma, alpha = opts["games"], opts["gamma"], opts["alpha"]
env = FlappyBirdVectorEnv(n, config=game, rewards=RewardConfig(alive=0.0, pipe=0.0, death=-1.0),
                          max_score=1000)
obs, _ = env.reset(seed=seed)
resetting = np.zeros(n, dtype=bool)
done_steps, episodes, start, next_eval = 0, 0, time.perf_counter(), 0
recent = []
print(f"table {shape} = {q.shape[0]:,} cells", flush=True)
with open(out, "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["seed", "env_steps", "episodes", "seconds", "train_mean", "eval_mean",
                     "eval_capped", "visited"])
    while True:
        if done_steps >= next_eval:
            r = evaluate(lambda o: (q[cells(o), 1] > q[cells(o), 0]).astype(np.int64), game,
                         episodes=100, seed=2_000_000, max_score=1000)
            train_mean = float(np.mean(recent[-500:])) if recent else 0.0
            row = [seed, done_steps, episodes, round(time.perf_counter() - start, 1),
                   round(train_mean, 1), round(r.mean, 1), int((r.scores >= 1000).sum()),
                   int((visits.sum(1) > 0).sum())]
            writer.writerow(row)
            f.flush()
            print(*row, flush=True)
            next_eval += opts["eval_every"]
            if done_steps >= steps:
                break
        c = cells(obs)
        a = (q[c, 1] > q[c, 0]).astype(np.int64)
        obs, rew, term, trunc, info = env.step(a)
        live = ~resetting
        c2 = cells(obs)
        future = np.where(term, 0.0, np.maximum(q[c2, 0], q[c2, 1]))
        target = rew + gamma * future
        cl, al = c[live], a[live]
        rate = alpha / (1 + visits[cl, al] / opts["alpha_decay"]) if opts["alpha_decay"] else alpha
        q[cl, al] += rate * (target[live] - q[cl, al])
        visits[cl, al] += 1
        ended = live & (term | trunc)
        if ended.any():
            recent.extend(info["score"][ended].tolist())
            recent = recent[-1000:]
            episodes += int(ended.sum())
        done_steps += int(live.sum())
        resetting = term | trunc
