"""Learning per env step of pixel REINFORCE settings (issue 28): train `TrainConfig.for_obs("pixels")`
with the given overrides to a step budget, evaluating greedily on 100 unseen games (cap 1000)
every `eval_every` env steps. A step budget gives the same run alone or beside another.

    python experiments/pixel_input/steps.py NAME SEED STEPS EVAL_EVERY JSON_OVERRIDES >> results.csv
"""
import json
import sys
import time

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.reinforce.trainer import Trainer
from flappy_pg.agents.reinforce.config import TrainConfig

name, seed, budget, every = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
overrides = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
trainer = Trainer(TrainConfig.for_obs("pixels", seed=seed, **overrides))
c, next_eval, seconds = trainer.config, every, 0.0
while trainer.state.env_steps < budget:
    start = time.perf_counter()
    stats = trainer.step()
    seconds += time.perf_counter() - start
    if trainer.state.env_steps >= next_eval:
        next_eval += every
        result = evaluate(trainer.eval_actor(), c.game, 100, c.eval_seed, 1000, c.obs_type)
        print(f"{name},{seed},{trainer.state.env_steps},{seconds:.1f},{result.scores.mean():.2f},"
              f"{(result.scores >= 1000).mean():.2f},{stats['entropy']:.3f}", flush=True)
