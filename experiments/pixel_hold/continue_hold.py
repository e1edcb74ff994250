"""Continue a holding pixel run under other hold settings: STEPS more env steps, 100 games
(seeds 1,000,000+, capped at 1000, as train's evaluations) every EVERY env steps.

    python experiments/pixel_hold/continue_hold.py LATEST.pt STEPS EVERY hold_lr=0.0001 hold_games=256

A question for the next defaults, not a way to make an agent: the shipped ones come from
`flappy-pg train` alone.
"""

import sys

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.reinforce.trainer import Trainer

path, steps, every = sys.argv[1], int(float(sys.argv[2])), int(float(sys.argv[3]))
overrides = {key: float(value) if "." in value or "e" in value else int(value)
             for key, value in (item.split("=", 1) for item in sys.argv[4:])}
trainer = Trainer.restore(path, overrides)
c, start = trainer.config, trainer.state.env_steps
print(f"{path} with {overrides}, holding since {trainer.holding_since:,}", flush=True)
mark = start + every
while trainer.state.env_steps - start < steps:
    trainer.step()
    if trainer.state.env_steps >= mark:
        mark += every
        result = evaluate(trainer.eval_actor(), c.game, episodes=100, seed=c.eval_seed,
                          max_score=1000, obs_type=c.obs_type)
        print(f"{trainer.state.env_steps:,} env steps (+{trainer.state.env_steps - start:,}): "
              f"{result.line()}", flush=True)
