"""Env steps per second of pixel training updates, and their statistics (to check that a speed-up
changes no update): `early` times N updates of a fresh seed-0 policy after one warm-up update,
`late` N updates resumed from checkpoints/reinforce-pixels.pt, `resume:PATH` from any checkpoint;
JSON overrides TrainConfig.

    python experiments/pixels/time_updates.py early 40 [JSON]
    python experiments/pixels/time_updates.py resume:checkpoints/NAME/latest.pt 10
"""
import sys, time, json, resource
from flappy_pg.agents.reinforce.trainer import Trainer
from flappy_pg.agents.reinforce.config import TrainConfig
mode = sys.argv[1]; n = int(sys.argv[2]); over = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
if mode == "late" or mode.startswith("resume:"):
    path = "checkpoints/reinforce-pixels.pt" if mode == "late" else mode.split(":", 1)[1]
    t = Trainer.restore(path, over)
else:
    t = Trainer(TrainConfig.for_obs("pixels", seed=0, **over))
t.step()
r0 = resource.getrusage(resource.RUSAGE_SELF); start = time.perf_counter(); steps = 0; coll = 0
for _ in range(n):
    s = t.step(); steps += s["batch_steps"]; coll += s["batch_steps"] / s["collect_sps"]
el = time.perf_counter() - start; r1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
print(f"{mode} {over}: {steps} steps in {el:.2f}s = {steps/el:,.0f} sps; collect {coll/el:.0%}; cpu/wall {cpu/el:.2f}; score {s['score_mean']:.2f} entropy {s['entropy']:.4f} loss {s['policy_loss']:.6f}")
