"""One tuning experiment: train REINFORCE with some settings for a time budget, snapshot the
policy at given training seconds, then evaluate every snapshot (100 episodes, unseen seeds,
capped at 1000 pipes) greedily and with sampled actions.

    python experiments/tools/run_reinforce.py '{"input_scale": 16}' 90 45
    (settings as JSON over TrainConfig's defaults, budget in seconds, snapshot marks)
    python experiments/tools/run_reinforce.py '{"min_deaths": 32}' 150M 50M,100M
    (budget and marks in millions of env steps: comparable between runs that share the CPU)
"""

import copy
import json
import sys
import time

import numpy as np

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.reinforce.algorithm import policy_actor
from flappy_pg.agents.reinforce.trainer import Trainer
from flappy_pg.agents.reinforce.config import TrainConfig

settings = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
if "hidden" in settings:
    settings["hidden"] = tuple(settings["hidden"])
budget = sys.argv[2] if len(sys.argv) > 2 else "60"
by_steps = budget.endswith("M")  # a budget in env steps instead of seconds


def amount(text: str) -> float:
    return float(text.rstrip("M")) * 1e6 if by_steps else float(text)


def spent() -> float:
    return trainer.state.env_steps if by_steps else trainer.state.seconds


budget = amount(budget)
marks = [amount(m) for m in sys.argv[3].split(",")] if len(sys.argv) > 3 and sys.argv[3] else []

trainer = Trainer(TrainConfig(eval_every_steps=0, **settings))
snapshots, last_print = {}, 0.0
while spent() < budget:
    stats = trainer.step()
    if marks and spent() >= marks[0]:
        snapshots[marks.pop(0)] = (copy.deepcopy(trainer.policy), trainer.state.env_steps)
    if time.time() - last_print > 10:
        last_print = time.time()
        print(f"{trainer.state.seconds:6.1f}s update {stats['update']} steps {stats['env_steps']:,} "
              f"train score {stats['score_mean']:.2f} entropy {stats['entropy']:.3f} "
              f"rounds {stats['rounds']} deaths {stats['deaths']} lr {stats['lr']:.2g}", flush=True)
snapshots[budget] = (trainer.policy, trainer.state.env_steps)
for mark, (policy, steps) in snapshots.items():
    for greedy in (True,) if "--greedy-only" in sys.argv else (True, False):
        result = evaluate(policy_actor(policy, np.random.default_rng(5), greedy=greedy),
                          trainer.config.game, episodes=100, max_score=1000)
        label = f"{mark / 1e6:g}M steps" if by_steps else f"{mark:g}s"
        print(f"eval at {label} ({steps:,} steps) {'greedy' if greedy else 'sampled'}: "
              f"{result.line()}", flush=True)
