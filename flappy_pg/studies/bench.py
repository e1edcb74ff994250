"""Speed benchmarks of the simulation: single env, vector env, rendering, and the reference env.

Every figure is measured in the run that prints it. Actions are a fixed seeded random sequence
(flap with probability `FLAP_PROBABILITY`), the same for every env timed.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import gymnasium as gym
import numpy as np

from flappy_pg import ENV_ID
from flappy_pg.envs.vector import FlappyBirdVectorEnv
from flappy_pg.game.config import GameConfig
from flappy_pg.game.core import Physics

ENV_SPEC = gym.spec(ENV_ID)

FLAP_PROBABILITY = 0.08  # keeps a random bird in the air for a while, like a clumsy player


@dataclass
class Figure:
    name: str
    rate: float  # steps (or frames) per second
    unit: str = "steps/s"


def _actions(count: int, seed: int) -> list[int]:
    return (np.random.default_rng(seed).random(count) < FLAP_PROBABILITY).astype(int).tolist()


def time_single_env(env: gym.Env, steps: int, seed: int = 0, render: bool = False) -> float:
    """Steps per second of one env driven through its Gymnasium API (resets included)."""
    actions = _actions(steps, seed)
    env.reset(seed=seed)
    start = time.perf_counter()
    for action in actions:
        _, _, terminated, truncated, _ = env.step(action)
        if render:
            env.render()
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)


def time_vector_env(num_envs: int, steps: int, seed: int = 0, obs_type: str = "features") -> float:
    """Env-steps per second of the vector env (num_envs games per step)."""
    env = FlappyBirdVectorEnv(num_envs=num_envs, obs_type=obs_type)
    rng = np.random.default_rng(seed)
    batches = max(1, steps // num_envs)
    actions = (rng.random((batches, num_envs)) < FLAP_PROBABILITY).astype(np.int64)
    env.reset(seed=seed)
    start = time.perf_counter()
    for batch in actions:
        env.step(batch)
    return batches * num_envs / (time.perf_counter() - start)


def time_bare_step(num_games: int, steps: int, seed: int = 0) -> float:
    """Env-steps per second of the yardstick: the same game written as a bare batched numpy step
    with no API around it (no action checks, rewards, truncation, info or episode keys). Birds
    move, pipes scroll and wrap around (alternately the short and the long distance apart) with
    gap heights from a table drawn in advance, the bird's shape is tested against the next pipe,
    crashed games restart, and 8 floats are written per game, as the vector env's observation."""
    c = GameConfig()
    p = Physics(c)
    rng = np.random.default_rng(seed)
    n, batches = num_games, max(1, steps // num_games)
    flaps = rng.random((batches, n)) < FLAP_PROBABILITY
    table = rng.integers(c.gap_top_min, c.gap_top_max + 1, 1 << 16)
    y, vel = np.full(n, c.bird_start_y), np.full(n, c.flap_speed)
    x = np.full(n, c.first_pipe_x)
    distance = np.full(n, p.distance_after(0))  # from the next pipe to the one after it
    gap1, gap2 = table[:n].copy(), table[n:2 * n].copy()
    drawn = 2 * n
    inv_w, inv_h, below = 1 / c.screen_width, 1 / c.screen_height, p.gap_below
    last_offset = len(p.upper_reach) - 1
    obs = np.empty((n, 8), dtype=np.float32)
    start = time.perf_counter()
    for flap in flaps:
        vel = np.where(flap, c.flap_speed, np.minimum(vel + c.gravity, c.max_fall_speed))
        y = np.minimum(y + vel, p.lowest_y)
        x -= c.pipe_speed
        wrapped = np.flatnonzero(x <= p.switch_x)
        x[wrapped] += distance[wrapped]
        distance[wrapped] = 2 * c.pipe_spacing - distance[wrapped]
        gap1[wrapped] = gap2[wrapped]
        gap2[wrapped] = table[(drawn + np.arange(wrapped.size)) & 0xFFFF]
        drawn += wrapped.size
        offset = np.minimum(x - p.switch_x, last_offset)
        crashed = (y >= p.ground_crash_y) | (y + p.upper_reach[offset] < gap1) | \
            (y > gap1 + p.lower_reach[offset])
        y[crashed], vel[crashed], x[crashed] = c.bird_start_y, c.flap_speed, c.first_pipe_x
        distance[crashed] = p.distance_after(0)
        obs[:, 0] = y * inv_h
        obs[:, 1] = vel * (1 / c.max_fall_speed)
        obs[:, 2] = (x + c.pipe_width - c.bird_x) * inv_w
        obs[:, 3] = top1 = (gap1 - y) * inv_h
        obs[:, 4] = top1 + below * inv_h
        obs[:, 5] = obs[:, 2] + distance * inv_w
        obs[:, 6] = top2 = (gap2 - y) * inv_h
        obs[:, 7] = top2 + below * inv_h
    return batches * n / (time.perf_counter() - start)


def reference_spec():
    """The `flappy-bird-gymnasium` env's spec, or None when it is not installed. Its bare id
    `FlappyBird-v0` is theirs; ours is always reachable as `flappy_pg/FlappyBird-v0`."""
    try:
        with warnings.catch_warnings():  # "Overriding environment FlappyBird-v0": expected here
            warnings.simplefilter("ignore")
            import flappy_bird_gymnasium  # noqa: F401
    except ImportError:
        return None
    spec = gym.envs.registration.registry.get("FlappyBird-v0")
    return spec if spec is not None and spec.entry_point != ENV_SPEC.entry_point else None


def run_env_benchmark(steps: int = 300_000, seed: int = 0, render_frames: int = 3_000,
                      progress=print) -> list[Figure]:
    figures = []
    progress(f"timing gymnasium.make({ENV_ID!r}), one game ...")
    figures.append(Figure("flappy-pg, gymnasium.make, 1 game",
                          time_single_env(gym.make(ENV_ID), steps, seed)))
    progress(f"timing gymnasium.make({ENV_ID!r}, obs_type='pixels'), one game ...")
    figures.append(Figure("flappy-pg, gymnasium.make, 1 game, pixels",
                          time_single_env(gym.make(ENV_ID, obs_type="pixels"), steps // 3, seed)))
    for n in (1, 64, 1024, 4096):
        games = "1 game" if n == 1 else f"{n} games"
        progress(f"timing the vector env, {games} ...")
        budget = steps if n == 1 else steps * 40
        figures.append(Figure(f"flappy-pg, vector env, {games}", time_vector_env(n, budget, seed),
                              "env-steps/s"))
        if n >= 1024:
            progress(f"timing the bare numpy step (the yardstick), {n} games ...")
            figures.append(Figure(f"bare numpy step, {n} games", time_bare_step(n, budget, seed),
                                  "env-steps/s"))
    progress("timing the vector env with pixel observations, 1024 games ...")
    figures.append(Figure("flappy-pg, vector env, 1024 games, pixels",
                          time_vector_env(1024, steps * 4, seed, obs_type="pixels"), "frames/s"))
    progress("timing rgb_array rendering ...")
    env = gym.make(ENV_ID, render_mode="rgb_array")
    figures.append(Figure("flappy-pg, rgb_array, step + render",
                          time_single_env(env, render_frames, seed, render=True), "frames/s"))
    env.close()
    spec = reference_spec()
    if spec is None:
        progress("flappy-bird-gymnasium is not installed (pip install -e '.[bench]'): no reference")
        return figures
    progress("timing flappy-bird-gymnasium (features), one game ...")
    figures.append(Figure("flappy-bird-gymnasium, gymnasium.make, 1 game",
                          time_single_env(gym.make(spec, use_lidar=False), steps, seed)))
    progress("timing flappy-bird-gymnasium rgb_array rendering ...")
    env = gym.make(spec, use_lidar=False, render_mode="rgb_array")
    figures.append(Figure("flappy-bird-gymnasium, rgb_array, step + render",
                          time_single_env(env, render_frames, seed, render=True), "frames/s"))
    env.close()
    return figures


def ratios(figures: list[Figure]) -> list[str]:
    """Ours against the reference, where both were measured."""
    by_name = {f.name: f.rate for f in figures}
    pairs = [("flappy-pg, gymnasium.make, 1 game", "flappy-bird-gymnasium, gymnasium.make, 1 game"),
             ("flappy-pg, rgb_array, step + render", "flappy-bird-gymnasium, rgb_array, step + render"),
             ("flappy-pg, vector env, 1024 games", "flappy-bird-gymnasium, gymnasium.make, 1 game"),
             ("flappy-pg, vector env, 1024 games", "bare numpy step, 1024 games"),
             ("flappy-pg, vector env, 4096 games", "bare numpy step, 4096 games")]
    return [f"{ours} / {theirs}: {by_name[ours] / by_name[theirs]:.2f}x"
            for ours, theirs in pairs if ours in by_name and theirs in by_name]


@dataclass
class SeedResult:
    """When one seed's training first reached each target (None: not within the run)."""

    seed: int
    seconds: float
    env_steps: int
    to_mean: tuple[float, int] | None = None  # (training seconds, env steps)
    to_capped: tuple[float, int] | None = None
    # the lowest share at the cap of the checks after the first at the target (the hold)
    hold: float | None = None

    @classmethod
    def of_job(cls, result: dict) -> "SeedResult":
        """The seed's result from a `bench_seed_job` result (or a `jobs.json` kept), checked:
        a KeyError, TypeError or ValueError names what is damaged."""
        r = dict(result["result"])
        if r.get("hold") is not None:
            r["hold"] = float(r["hold"])
        for name in ("to_mean", "to_capped"):
            if r[name] and len(r[name]) != 2:
                raise ValueError(f"its {name} is not (seconds, env steps)")
            r[name] = (float(r[name][0]), int(r[name][1])) if r[name] else None
        seed_result = cls(**r)
        numbers = [seed_result.seconds, seed_result.env_steps, *(
            row[k] for row in result["rows"] for k in ("mark_s", "train_s", "env_steps", "mean"))]
        if not isinstance(seed_result.seed, int) or not all(
                isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
                for x in numbers):
            raise ValueError("a number of its rows or result is not a number")
        return seed_result


def bench_seed_job(seed: int, marks: tuple[float, ...], episodes: int = 100,
                   max_score: int = 1000, check_every: float = 10.0, target_mean: float = 100.0,
                   target_capped: float = 0.99, save_path: str | None = None,
                   obs: str = "features") -> dict:
    """One seed of the learning benchmark, as a job: train REINFORCE with the default settings;
    every `check_every` seconds of training, and at each mark, evaluate the policy (greedy,
    `episodes` unseen games capped at `max_score`) to find when it first reached an evaluation
    mean of `target_mean` and a share `target_capped` of games at the cap. The policy a check
    evaluates is the one after the last update that ended within the check's time, so a target
    met "at 300 s" was met by a policy trained at most 300 s. Evaluation time is not training
    time. Returns {"rows": the rows at the marks, "result": a SeedResult's
    fields}; with `save_path`, the final trainer is saved there (a checkpoint `eval`, `watch`
    and `train --resume` take)."""
    from flappy_pg.agents.evaluate import TEST_SEED, evaluate
    from flappy_pg.agents.reinforce.algorithm import policy_actor
    from flappy_pg.agents.reinforce.config import TrainConfig
    from flappy_pg.agents.reinforce.trainer import Trainer
    from flappy_pg.runs.loop import Cadence, train_loop

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    rows = []
    end = max(marks)
    trainer = Trainer(TrainConfig.for_obs(obs, seed=seed, eval_every_steps=0, max_seconds=end))
    grid = np.arange(check_every, end, check_every) if check_every else np.array([])
    checks = tuple(sorted({float(m) for m in marks} | {round(float(g), 6) for g in grid}))
    result = SeedResult(seed, 0.0, 0)
    kept = {}  # the policy before the update in progress, with its training seconds and steps

    def before_update() -> None:
        kept.update(policy=copy.deepcopy(trainer.policy), seconds=trainer.state.seconds,
                    env_steps=trainer.state.env_steps)

    def on_eval(due: list[float]) -> None:
        """The checks the last update crossed: evaluate the policy from before it."""
        seconds, env_steps = kept["seconds"], kept["env_steps"]
        act = policy_actor(kept["policy"], np.random.default_rng(trainer.config.eval_seed),
                           greedy=True)
        score = evaluate(act, trainer.config.game, episodes=episodes, seed=TEST_SEED,
                         max_score=max_score, obs_type=trainer.config.obs_type)
        if result.to_mean is None and score.mean >= target_mean:
            result.to_mean = (seconds, env_steps)
        if result.to_capped is None and score.capped_share >= target_capped:
            result.to_capped = (seconds, env_steps)
        elif result.to_capped is not None:
            result.hold = min(score.capped_share, 1.0 if result.hold is None else result.hold)
        progress(f"seed {seed} at {seconds:.1f}s ({env_steps:,} steps): {score.line()}")
        if 0 < score.capped_share and score.worst_line():  # a few games hold it back
            progress(f"seed {seed}:   {score.worst_line('flappy-pg watch POLICY')}")
        for mark in (m for m in marks if m in due):
            rows.append({"seed": seed, "mark_s": mark, "train_s": round(seconds, 3),
                         "env_steps": env_steps, **score.summary()})

    train_loop(trainer, on_eval=on_eval, cadence=Cadence(clock="seconds", marks=checks),
               before_update=before_update)
    result.seconds, result.env_steps = trainer.state.seconds, trainer.state.env_steps
    if save_path:
        trainer.save(save_path)
    progress(f"seed {seed}: trained {result.seconds:.0f}s, {result.env_steps:,} env steps "
             f"({result.env_steps / result.seconds:,.0f} steps/s)")
    return {"rows": rows, "result": dataclasses.asdict(result)}


#: Per observation: (the mean a seed should reach, within how many seconds, and 99% of games at
#: the cap within how many seconds), the targets `bench train` reports against (issues 41, 38).
TARGETS = {"features": (100, 30, 120), "pixels": (10, 300, 900)}
HOLD = 0.95  # the share at the cap no check may fall below once 99% was reached


@dataclass(frozen=True)
class LearningBench:
    """What `bench train` runs: `train`'s defaults for `obs` on each seed, checked (greedy, on
    `episodes` unseen games capped at `max_score`) at the `marks` (training seconds; the last ends
    each run) and every `check_every` seconds, for the time to a mean of `target_mean` and to a
    share `target_capped` of games at the cap. The rows go to `csv_path` (and the finished seeds
    beside it, for a resume); with `save_folder`, each seed's final policy is saved there."""

    seeds: tuple[int, ...]
    marks: tuple[float, ...]
    episodes: int = 100
    max_score: int = 1000
    check_every: float = 10.0
    target_mean: float = 100.0
    target_capped: float = 0.99
    obs: str = "features"
    save_folder: Path | None = None
    csv_path: Path | None = None


def run_training_benchmark(bench: LearningBench, parallel=None, progress=print):
    """The learning benchmark on each seed, one job per seed (see `bench_seed_job`; run as
    `parallel` says). The rows are written to the CSV as each seed finishes, and the finished
    seeds kept beside it for a resume. Returns (rows, seed results, the jobs' outcome)."""
    from flappy_pg.agents.reinforce.config import TrainConfig
    from flappy_pg.runs.jobs import Job, JobSettings, ResultStore, run_jobs, stop_lines

    parallel = parallel or JobSettings()
    b = bench
    seeds, csv_path, save_folder = b.seeds, b.csv_path, b.save_folder
    jobs = [Job(f"seed {seed}", bench_seed_job,
                dict(seed=seed, marks=tuple(b.marks), episodes=b.episodes, max_score=b.max_score,
                     check_every=b.check_every, target_mean=b.target_mean,
                     target_capped=b.target_capped, obs=b.obs,
                     save_path=str(save_folder / f"reinforce-seed{seed}.pt") if save_folder else None),
                cpus=TrainConfig.for_obs(b.obs).torch_threads) for seed in seeds]
    store = ResultStore(Path(f"{csv_path}.jobs.json")) if csv_path else None
    if store and parallel.resume:
        store.load(check=SeedResult.of_job)
    done: dict[int, dict] = {}

    def collected() -> tuple[list[dict], list[SeedResult]]:
        order = [s for s in seeds if s in done]
        rows = [row for s in order for row in done[s]["rows"]]
        return rows, [SeedResult.of_job(done[s]) for s in order]

    def on_result(job, result: dict) -> None:
        done[job.kwargs["seed"]] = result
        if csv_path:
            write_rows(collected()[0], csv_path)

    outcome = run_jobs(jobs, on_result, parallel, store=store, echo=progress)
    kept = f"{len(done)} seeds' rows" + (f" in {csv_path}" if csv_path else "")
    for line in stop_lines(outcome, jobs, kept):
        progress(line)
    rows, results = collected()
    return rows, results, outcome


def target_lines(results: list[SeedResult], target_mean: float, target_capped: float,
                 mean_within: float, capped_within: float,
                 budget: float | None = None) -> list[str]:
    """Per seed, the time and env steps to each target; then a summary over the seeds. A target
    whose time limit is past the runs' `budget` (training seconds) is reported as not tested."""
    def reached(value):
        return "not reached" if value is None else f"{value[0]:6.1f} s, {value[1]:>13,} steps"
    def held(r):
        return "" if r.hold is None else f"; lowest after it {r.hold:.0%}"
    lines = [f"seed {r.seed:>3}: mean {target_mean:g} at {reached(r.to_mean)};  "
             f"{target_capped:.0%} capped at {reached(r.to_capped)}{held(r)};  "
             f"{r.env_steps / max(r.seconds, 1e-9):,.0f} env steps/s" for r in results]
    for name, label, within in (("to_mean", f"mean {target_mean:g}", mean_within),
                                ("to_capped", f"{target_capped:.0%} capped", capped_within)):
        times = [getattr(r, name)[0] for r in results if getattr(r, name) is not None]
        if budget is not None and budget < within:
            times = [t for t in times if t <= budget]
        median = f", median {np.median(times):.1f} s over the seeds that reached it" if times else ""
        if budget is not None and budget < within:
            lines.append(f"summary: {label} within {within:g} s not tested (the runs lasted "
                         f"{budget:g} s); reached on {len(times)} of {len(results)} seeds{median}")
            continue
        in_time = sum(t <= within for t in times)
        lines.append(f"summary: {label} within {within:g} s on {in_time} of {len(results)} seeds "
                     f"(reached at all on {len(times)}){median}")
    holds = [r.hold for r in results if r.hold is not None]
    if holds:
        lines.append(f"summary: after first reaching {target_capped:.0%} capped, no later check "
                     f"below {HOLD:.0%} on {sum(h >= HOLD for h in holds)} of {len(holds)} seeds "
                     f"(lowest {min(holds):.0%})")
    return lines


def yardstick_lines(results: list[SeedResult], games: int = 1024) -> list[str]:
    """The training rates beside the bare numpy step at `games` games, timed now."""
    if not results:
        return []
    bare = time_bare_step(games, 3_000_000)
    rates = [r.env_steps / max(r.seconds, 1e-9) for r in results]
    return [f"training: {min(rates):,.0f}-{max(rates):,.0f} env steps/s over the runs, "
            f"{min(rates) / bare:.3f}-{max(rates) / bare:.3f}x the bare numpy step at {games:,} "
            f"games ({bare:,.0f} env steps/s, timed after the runs)"]


def figure_lines(figures: list[Figure]) -> list[str]:
    """The speed table, then the ratios between figures."""
    width = max(len(f.name) for f in figures)
    return [*(f"{f.name:<{width}}  {f.rate:>14,.0f} {f.unit}" for f in figures), *ratios(figures)]


def row_lines(rows: list[dict]) -> list[str]:
    """The learning benchmark's rows at the marks, as a table."""
    lines = [f"{'seed':>4} {'train s':>8} {'env steps':>13} {'mean':>8} {'std':>7} "
             f"{'median':>7} {'max':>6} {'capped':>7}"]
    lines += [f"{r['seed']:>4} {r['train_s']:>8.1f} {r['env_steps']:>13,} {r['mean']:>8.1f} "
              f"{r['std']:>7.1f} {r['median']:>7.0f} {r['max']:>6} {r['capped_share']:>7.0%}"
              for r in rows]
    return lines


def write_rows(rows: list[dict], path) -> None:
    """The rows as a CSV file, written atomically."""
    import csv

    from flappy_pg.files import atomic_write

    def write(temporary):
        with open(temporary, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["seed"])
            writer.writeheader()
            writer.writerows(rows)
    atomic_write(path, write)


def time_gradlab_quick(repeats: int, progress=print) -> float:
    """The median wall time of `gradlab --quick` (the shipped policies, written to a temporary
    folder) over `repeats` runs."""
    import statistics
    import tempfile

    from flappy_pg.studies.gradlab.report import lab_policies, run_gradlab
    from flappy_pg.studies.gradlab.sizes import LabSizes
    times = []
    for run in range(repeats):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            run_gradlab(lab_policies(None, False, 0), LabSizes().smallest(), 0, Path(folder),
                        echo=lambda line: None)
            times.append(time.perf_counter() - started)
        progress(f"run {run + 1}: {times[-1]:.1f} s")
    return statistics.median(times)
