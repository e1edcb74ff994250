"""Env steps/s of a resumed run's next updates, with the flappy-pg of a given checkout: the
training alone (no evaluation, no start-up), for alternating before/after pairs.

Usage: python rate_steps.py CHECKOUT CHECKPOINT UPDATES
"""

import sys
import time

sys.path.insert(0, sys.argv[1])
import flappy_pg  # noqa: E402

assert flappy_pg.__file__.startswith(sys.argv[1]), flappy_pg.__file__
from flappy_pg.agents.reinforce.trainer import Trainer  # noqa: E402

trainer = Trainer.restore(sys.argv[2], {})
trainer.step()  # the first update warms the caches
start, steps = time.perf_counter(), trainer.state.env_steps
for _ in range(int(sys.argv[3])):
    trainer.step()
rate = (trainer.state.env_steps - steps) / (time.perf_counter() - start)
print(f"{sys.argv[1]},{trainer.state.env_steps - steps},{rate:.0f}")
