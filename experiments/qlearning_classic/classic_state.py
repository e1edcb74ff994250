"""The classic bot's exact state, to test whether our 10-px grid state explains the reproduction gap:
x = next pipe's left edge - bird x, switching to the pipe after 30 px into the pipe (SWITCH), coarse
far bins (70 px in x past 140, 60 px in y past 180), y from the bird's top to the gap's bottom.

Usage: python experiments/qlearning_classic/classic_state.py SEED EPISODES OUT_CSV [SWITCH]
(SWITCH 53: no early switch, only the coarse far bins and the top reference)"""
import sys
import time

import numpy as np

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.qlearning.algorithm import QLearner, table_actor
from flappy_pg.agents.qlearning.binning import Binning
from flappy_pg.agents.qlearning.config import QConfig


class ClassicBinning(Binning):
    def __init__(self, config, cell=10, next_cell=0, switch=30):
        super().__init__(config, cell)
        c = config
        self.pw, self.bh, self.switch = c.pipe_width, c.bird_height, switch
        self.shape = (24, 44, self.speed_max - self.speed_min + 1)
    def cell_of(self, o):
        dx1 = round(float(o[2]) * self.width) - self.pw
        if dx1 <= -self.switch:
            xdif = round(float(o[5]) * self.width) - self.pw
            ydif = round(float(o[7]) * self.height) + self.bh
        else:
            xdif = dx1
            ydif = round(float(o[4]) * self.height) + self.bh
        i = xdif // 10 + 6 if xdif < 140 else 20 + xdif // 70 - 2
        j = ydif // 10 + 22 if ydif < 180 else 40 + ydif // 60 - 3
        k = round(float(o[1]) * self.fall) - self.speed_min
        shape = self.shape
        i = min(max(i, 0), shape[0]-1); j = min(max(j, 0), shape[1]-1); k = min(max(k, 0), shape[2]-1)
        return int((i * shape[1] + j) * shape[2] + k)
    def cells(self, observations):
        return np.array([self.cell_of(o) for o in observations], dtype=np.int64)

seed, episodes, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
switch = int(sys.argv[4]) if len(sys.argv) > 4 else 30
learner = QLearner(QConfig.classic(seed=seed, train_max_score=10_000, max_episodes=episodes))
learner.binning = ClassicBinning(learner.config.game, switch=switch)
learner.q = np.zeros((learner.binning.size, 2)); learner.visits = np.zeros(learner.q.shape, dtype=np.int64)
done, hist, start = 0, [], time.perf_counter()
with open(out, "w") as f:
    f.write("seed,episode,kind,score\n")
    while done < episodes:
        for s in learner.step(256)["scores"]:
            done += 1; hist.append(s); f.write(f"{seed},{done},train,{s}\n")
            if done % 100 == 0:
                print(f"seed {seed} ep {done} train mean100 {np.mean(hist[-100:]):.1f} {time.perf_counter()-start:.0f}s", flush=True)
            if done % 500 == 0:
                r = evaluate(table_actor(learner.q, learner.binning), learner.config.game,
                             episodes=100, seed=2_000_000, max_score=10_000)
                f.write(f"{seed},{done},eval100,{r.mean}\n")
                print(f"seed {seed} ep {done}: eval mean {r.mean:.1f}", flush=True)
        f.flush()
