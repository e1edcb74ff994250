"""Per run of run.sh: env steps (M) to a mean of 100 and to 99 of 100 games at the cap, the
lowest share at the cap after that, and the share at each check. Usage: python summarize.py
[RUNS_FOLDER]"""
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
runs = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "runs" / "mastery" / "runs"
print("| run | mean 100 at (M) | 99% capped at (M) | lowest % after | % capped at 10, 20, ... M |")
print("| --- | --- | --- | --- | --- |")
for run in sorted(runs.iterdir()):
    rows = [r for r in csv.DictReader(open(run / "evals.csv")) if int(r["env_steps"]) > 0]
    if not rows:
        continue
    steps = [int(r["env_steps"]) / 1e6 for r in rows]
    share = [round(100 * float(r["capped_share"])) for r in rows]
    mean = [float(r["mean"]) for r in rows]
    m100 = next((f"{s:.0f}" for s, m in zip(steps, mean) if m >= 100), "-")
    first99 = next((i for i, c in enumerate(share) if c >= 99), None)
    at99 = f"{steps[first99]:.0f}" if first99 is not None else "-"
    after = min(share[first99:]) if first99 is not None else "-"
    print(f"| {run.name} | {m100} | {at99} | {after} | {', '.join(map(str, share))} |")
