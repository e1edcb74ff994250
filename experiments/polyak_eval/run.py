"""Does an average of the policy's recent weights play more steadily than the policy itself?
Trains with `train`'s defaults (one seed, to STEPS env steps) and keeps exponential moving
averages of the policy's parameters after every update (one per DECAY); every EVERY env steps,
the policy and each average play the same 100 unseen games at the 1000 cap (train's evaluation
games), greedily. Training itself is untouched: the averages only play.

    python experiments/polyak_eval/run.py SEED STEPS EVERY DECAY[,DECAY...]
    e.g. python experiments/polyak_eval/run.py 5 90e6 5e6 0.9,0.98
"""

import copy
import sys

import numpy as np
import torch

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.reinforce.algorithm import policy_actor
from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.reinforce.trainer import Trainer

seed, steps, every = int(sys.argv[1]), int(float(sys.argv[2])), int(float(sys.argv[3]))
decays = [float(d) for d in sys.argv[4].split(",")]
trainer = Trainer(TrainConfig(seed=seed))
c = trainer.config
averages = {d: copy.deepcopy(trainer.policy) for d in decays}


def play(policy) -> str:
    act = policy_actor(policy, np.random.default_rng(c.eval_seed), greedy=True)
    result = evaluate(act, c.game, episodes=100, seed=c.eval_seed, max_score=1000)
    return f"{result.mean:7.1f} {int((result.scores >= 1000).sum()):3d}"


print("env_steps updates | policy mean capped | " +
      " | ".join(f"ema {d} mean capped" for d in decays), flush=True)
mark = every
while trainer.state.env_steps < steps:
    trainer.step()
    with torch.no_grad():
        for d, average in averages.items():
            for a, p in zip(average.parameters(), trainer.policy.parameters()):
                a.mul_(d).add_(p, alpha=1 - d)
    if trainer.state.env_steps >= mark:
        mark += every
        line = [play(trainer.policy)] + [play(a) for a in averages.values()]
        print(f"{trainer.state.env_steps:,} {trainer.state.updates} | " + " | ".join(line),
              flush=True)
