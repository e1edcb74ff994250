"""Per variant log: each seed's greedy mean at every 5 M-step mark, and the first mark with a
mean of 100 or more.   python experiments/entropy_floor/summarize.py experiments/entropy_floor/*.log"""
import re
import sys

for path in sys.argv[1:]:
    seeds, current = {}, None
    for line in open(path):
        if line.startswith("== "):
            current = int(line.split()[3])
            seeds[current] = []
        m = re.match(r"eval at (\S+)M steps .*mean ([\d.]+)", line)
        if m and current is not None:
            seeds[current].append((float(m.group(1)), float(m.group(2))))
    print(path.split("/")[-1])
    firsts = []
    for seed, marks in seeds.items():
        first = next((s for s, mean in marks if mean >= 100), None)
        firsts.append(first)
        outcome = f"first >=100 at {first}M" if first else "not reached"
        print(f"  seed {seed}: " + " ".join(f"{mean:6.1f}" for _, mean in marks) + f"   {outcome}")
    reached = [f for f in firsts if f is not None]
    print(f"  reached on {len(reached)} of {len(firsts)}; marks {sorted(reached)}")
