"""Plot the classic Q-learning reproduction per training episode (experiments/qlearning_classic/qlearn_classic.py).

Usage: python experiments/qlearning_classic/plot_qlearn_classic.py OUT_PNG [--title=TEXT] CSV [CSV ...]
(each CSV may hold several seeds; every seed gets its own colour)
"""

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

out, paths = sys.argv[1], sys.argv[2:]
title = "the classic Q-learning recipe on flappy-pg's game"
if paths[0].startswith("--title="):
    title, paths = paths[0].removeprefix("--title="), paths[1:]
runs = {}  # seed -> its rows, from any number of CSVs holding one or more seeds each
for path in paths:
    for row in csv.DictReader(open(path)):
        runs.setdefault(int(row["seed"]), []).append(row)
fig, ax = plt.subplots(figsize=(7.5, 4.2), dpi=110)
colours = plt.get_cmap("tab10").colors
for (seed, rows), colour in zip(sorted(runs.items()), colours):
    train = np.array([float(r["score"]) for r in rows if r["kind"] == "train"])
    evals = [(int(r["episode"]), float(r["score"])) for r in rows if r["kind"] == "eval100"]
    window = np.convolve(train, np.ones(100) / 100, mode="valid")
    ax.plot(np.arange(100, len(train) + 1), window, color=colour, linewidth=1,
            label=f"seed {seed}" if len(runs) > 3 else
            f"seed {seed}: mean of the last 100 training games")
    ax.plot(*zip(*evals), "o", color=colour, markersize=4,
            label=None if len(runs) > 3 else f"seed {seed}: greedy table on 100 unseen games")
ax.axhline(150, color="grey", linestyle="--", linewidth=1)
ax.axvline(1500, color="grey", linestyle=":", linewidth=1)
ax.text(1550, 155, "chncyhn's bot: ~150 after ~1,500 games", fontsize=8, color="grey")
ax.set_xlabel("training episodes (one game, greedy: every training game is a test of the table)")
ax.set_ylabel("score (pipes)")
ax.set_title(title if len(runs) <= 3 else title + "\n(lines: mean of the last 100 training "
             "games; dots: greedy table on 100 unseen games)", fontsize=9)
ax.grid(alpha=0.3)
ax.legend(fontsize=7, loc="upper left")
fig.tight_layout()
fig.savefig(out)
