"""Other settings from the moment the hold begins: train's defaults on one seed, and once the
first batch with 90% of its new games at the training cap has started the hold, these
TrainConfig fields are replaced (the run before it is the defaults' own run, step for step).
Every EVERY env steps the policy plays train's 100 evaluation games (seeds 1,000,000+) to the
1000 cap, greedily: the mastery_steps protocol.

    python experiments/hold_variants/run.py OBS SEED STEPS EVERY field=value [field=value ...]
    e.g. python experiments/hold_variants/run.py features 5 90e6 10e6 entropy_coef=0
    (OBS: features or pixels, each with train's defaults for it)

A question for the next defaults, not a way to make an agent.
"""

import dataclasses
import sys

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.reinforce.trainer import Trainer

obs = sys.argv[1]
seed, steps, every = int(sys.argv[2]), int(float(sys.argv[3])), int(float(sys.argv[4]))
overrides = {key: float(value) if "." in value or "e" in value else int(value)
             for key, value in (item.split("=", 1) for item in sys.argv[5:])}
trainer = Trainer(TrainConfig.for_obs(obs, seed=seed))
c = trainer.config
print(f"seed {seed}, from the hold on: {overrides}", flush=True)
mark = every
while trainer.state.env_steps < steps:
    was_holding = trainer.holding_since is not None
    trainer.step()
    if not was_holding and trainer.holding_since is not None:
        trainer.config = dataclasses.replace(trainer.config, **overrides)
        print(f"hold began at update {trainer.state.updates}, "
              f"{trainer.holding_since:,} env steps", flush=True)
    if trainer.state.env_steps >= mark:
        mark += every
        result = evaluate(trainer.eval_actor(), c.game, episodes=100, seed=c.eval_seed,
                          max_score=1000, obs_type=c.obs_type)
        print(f"{trainer.state.env_steps:,} env steps, {trainer.state.updates} updates: "
              f"{result.line()}", flush=True)
