"""Does the batch size the gradient lab implies pay off? From one checkpoint, continue training
with each batch setting for the same number of env steps, then evaluate greedily on 100 unseen
games capped at 1000 pipes (seeds 1,000,000+, the selection seeds).

    python experiments/tools/batch_size_check.py CHECKPOINT STEPS VARIANT[,VARIANT...]

A variant is a number of games per round (`2048`), or training settings joined by `+`
(`games=256+min_deaths=128+max_rounds=16`, `games=2048+lr=0.001`).
"""

import sys
import time

import numpy as np

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.reinforce.algorithm import policy_actor
from flappy_pg.agents.reinforce.trainer import Trainer

path, budget = sys.argv[1], int(float(sys.argv[2]))
print(f"{path}: before: ", end="")
start = Trainer.restore(path, {})
print(evaluate(policy_actor(start.policy, np.random.default_rng(5), greedy=True),
               start.config.game, episodes=100, max_score=1000,
               seed=start.config.eval_seed).line(), flush=True)

def settings(variant: str) -> dict:
    if variant.isdigit():
        return {"games": int(variant)}
    pairs = (item.split("=", 1) for item in variant.split("+"))
    return {key: (float(value) if "." in value or "e" in value else int(value))
            for key, value in pairs}


for variant in sys.argv[3].split(","):
    trainer = Trainer.restore(path, settings(variant))
    for group in trainer.optimizer.param_groups:  # the saved optimizer state carries its own lr
        group["lr"] = trainer.config.lr
    first, began = trainer.state.env_steps, time.perf_counter()
    updates = 0
    while trainer.state.env_steps - first < budget:
        trainer.step()
        updates += 1
    result = evaluate(policy_actor(trainer.policy, np.random.default_rng(5), greedy=True),
                      trainer.config.game, episodes=100, max_score=1000,
                      seed=trainer.config.eval_seed)
    print(f"{variant}: {updates} updates, {trainer.state.env_steps - first:,} steps, "
          f"{time.perf_counter() - began:.0f} s: {result.line()}", flush=True)
