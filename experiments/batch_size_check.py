"""Does the batch size the gradient lab implies pay off? From one checkpoint, continue training
with each batch size (games per round) for the same number of env steps, then evaluate greedily
on 100 unseen games capped at 1000 pipes (seeds 1,000,000+, the selection seeds).

    python experiments/batch_size_check.py CHECKPOINT STEPS GAMES[,GAMES...]
"""

import sys
import time

import numpy as np

from flappy_pg.checkpoint import load_checkpoint, restore_trainer
from flappy_pg.evaluate import evaluate
from flappy_pg.reinforce import policy_actor

path, budget = sys.argv[1], int(float(sys.argv[2]))
print(f"{path}: before: ", end="")
start = restore_trainer(load_checkpoint(path), path)
print(evaluate(policy_actor(start.policy, np.random.default_rng(5), greedy=True),
               start.config.game_config, episodes=100, max_score=1000,
               seed=start.config.eval_seed).line(), flush=True)
for games in (int(g) for g in sys.argv[3].split(",")):
    trainer = restore_trainer(load_checkpoint(path), path, games=games)
    first, began = trainer.state.env_steps, time.perf_counter()
    updates = 0
    while trainer.state.env_steps - first < budget:
        trainer.step()
        updates += 1
    result = evaluate(policy_actor(trainer.policy, np.random.default_rng(5), greedy=True),
                      trainer.config.game_config, episodes=100, max_score=1000,
                      seed=trainer.config.eval_seed)
    print(f"games {games}: {updates} updates, {trainer.state.env_steps - first:,} steps, "
          f"{time.perf_counter() - began:.0f} s: {result.line()}", flush=True)
