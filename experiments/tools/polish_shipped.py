"""Polish a trained policy for mastery: continue training from a checkpoint with other settings
(bigger batches, a lower learning rate), evaluate on 100 selection games (seeds 1,000,000+,
capped at 1000) every EVERY env steps, and keep the best snapshot.

    python experiments/tools/polish_shipped.py CHECKPOINT STEPS EVERY OUT.pt SETTINGS

SETTINGS are training settings joined by `+` (`games=512+min_deaths=64+lr=0.001`), as in
batch_size_check.py. The best snapshot goes to OUT.pt (by the number of games at the cap, then
the mean); a final check on unseen seeds is `flappy-pg eval OUT.pt --episodes 100`.
"""

import sys
import time

import numpy as np

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.reinforce.algorithm import policy_actor
from flappy_pg.agents.reinforce.trainer import Trainer

path, budget, every, out = sys.argv[1], int(float(sys.argv[2])), int(float(sys.argv[3])), sys.argv[4]
pairs = (item.split("=", 1) for item in sys.argv[5].split("+"))
settings = {key: (float(value) if "." in value or "e" in value else int(value)) for key, value in pairs}


def check(trainer):
    return evaluate(policy_actor(trainer.policy, np.random.default_rng(5), greedy=True),
                    trainer.config.game, episodes=100, max_score=1000,
                    seed=trainer.config.eval_seed, obs_type=trainer.config.obs_type)


trainer = Trainer.restore(path, settings)
for group in trainer.optimizer.param_groups:  # the saved optimizer state carries its own lr
    group["lr"] = trainer.config.lr
result = check(trainer)
print(f"{path} with {settings}: start: {result.line()}", flush=True)
first, began, updates = trainer.state.env_steps, time.perf_counter(), 0
best = (result.capped_share, result.mean)
trainer.save(out)
mark = first + every
while trainer.state.env_steps - first < budget:
    trainer.step()
    updates += 1
    if trainer.state.env_steps >= mark:
        mark += every
        result = check(trainer)
        score = (result.capped_share, result.mean)
        kept = score > best
        if kept:
            best = score
            trainer.save(out)
        print(f"{updates} updates, {trainer.state.env_steps - first:,} steps, "
              f"{time.perf_counter() - began:.0f} s: {result.line()}{'  (kept)' if kept else ''}",
              flush=True)
