"""Independent jobs (one agent and seed of a comparison, one seed of a benchmark, one setting
and seed of a sweep): run one after another, in a local process pool (`--jobs N`), or as Ray
tasks (`--ray`), each result handed to the caller the moment it is done.

The same rules hold in every mode:
- a job is a module-level function and its keyword arguments; it returns a JSON-able dict, so
  its result can be written to disk at once and read back by `--resume`;
- a job reserves `cpus` CPUs (its torch threads), locally as on Ray, so a time budget means
  the same in parallel as alone;
- a job that fails is reported with its error and the others go on;
- the first Ctrl-C or SIGTERM starts no new job and lets the running ones finish; a second
  stops them at once. Every finished result is kept either way.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from flappy_pg.errors import ConfigError
from flappy_pg.files import atomic_write_text
from flappy_pg.game.config import setting
from flappy_pg.runs.harness import StopOnInterrupt, children_ignore_sigint


@dataclass(frozen=True, eq=False)  # hashed by identity: a job is a handle while it runs
class Job:
    key: str  # unique within a run, readable: "REINFORCE seed 0"
    function: Callable[..., dict]
    kwargs: dict = field(default_factory=dict)
    cpus: int = 1

    def fingerprint(self) -> str:
        """What the job computes: a result stored under another fingerprint is not reused."""
        spec = {"function": f"{self.function.__module__}.{self.function.__qualname__}",
                "kwargs": self.kwargs}
        return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class JobSettings:
    """How a study runs its jobs: `workers` at once here, or on Ray (at `ray_address`, else
    RAY_ADDRESS or a local instance); `resume` reuses the results its `jobs.json` keeps."""

    workers: int = setting(1, "Jobs run at once on this machine (a process pool). Each job "
                           "reserves its torch threads as CPUs, so no more run at once than the "
                           "CPUs hold.", 1, 1024, option="jobs")
    use_ray: bool = setting(False, "Run the jobs as Ray tasks: on the cluster at --ray-address "
                            "or RAY_ADDRESS, else on a local Ray instance (pip install "
                            "'flappy-pg[ray]').", option="ray", flag=True)
    ray_address: str | None = setting(None, "A Ray cluster's address (ray://host:10001 or "
                                      "host:6379); implies --ray.")
    resume: bool = setting(False, "Run only the jobs whose results are missing from the output "
                           "folder's jobs.json (kept from an earlier run with the same "
                           "settings).", flag=True)

    @classmethod
    def checked(cls, workers: int = 1, use_ray: bool = False, ray_address: str | None = None,
                resume: bool = False) -> "JobSettings":
        """The settings as given, checked before any work starts: an address implies Ray, which
        must be installed, and Ray decides how many jobs run at once."""
        use_ray = use_ray or bool(ray_address)
        if use_ray and workers > 1:
            raise ConfigError("give --jobs or --ray, not both (on Ray, the cluster's CPUs decide "
                              "how many jobs run at once)")
        if use_ray and importlib.util.find_spec("ray") is None:
            raise ConfigError("--ray needs Ray: pip install 'flappy-pg[ray]'")
        return cls(workers, use_ray, ray_address, resume)


@dataclass
class Outcome:
    results: dict[str, dict] = field(default_factory=dict)  # key -> result, finished jobs only
    failed: dict[str, str] = field(default_factory=dict)  # key -> error line
    stopped: str | None = None  # why the run stopped early (Ctrl-C, SIGTERM), or None
    reused: int = 0  # results taken from an earlier run (--resume)
    total: int = 0  # jobs asked for

    def left(self, jobs: list[Job]) -> list[str]:
        return [j.key for j in jobs if j.key not in self.results and j.key not in self.failed]

    def exit_status(self) -> int:
        """What the command exits with: 0 when every job finished; 130 (Ctrl-C) or 143 (SIGTERM)
        when a stop left jobs unrun, as a shell reports such a stop; else 1 when any failed."""
        if self.stopped and len(self.results) + len(self.failed) < self.total:
            return 143 if self.stopped.startswith("SIGTERM") else 130
        return 1 if self.failed else 0


class ResultStore:
    """A JSON file (a report folder's `jobs.json`) of every finished job's result, rewritten
    atomically after each one, so a run stopped at any moment keeps all it finished."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.entries: dict[str, dict] = {}

    def load(self, check: Callable[[dict], object] | None = None) -> None:
        """Read the finished results back. `check(result)` raises (KeyError, TypeError or
        ValueError) on a result that is damaged: then nothing is used and nothing written, and
        the one-line error names the entry."""
        try:
            stored = json.loads(self.path.read_text())
        except FileNotFoundError:
            return
        except (OSError, ValueError, RecursionError):
            raise ConfigError(f"{self.path} is not readable: run without --resume to start "
                              f"again") from None
        if not isinstance(stored, dict) or not all(
                isinstance(v, dict) and {"fingerprint", "result"} <= set(v) for v in stored.values()):
            raise ConfigError(f"{self.path} is not a job store: run without --resume to start again")
        for key, entry in stored.items():
            try:
                if not isinstance(entry["result"], dict):
                    raise TypeError("not a record")
                if check:
                    check(entry["result"])
            except (KeyError, TypeError, ValueError, RecursionError) as error:
                what = f"no {error}" if isinstance(error, KeyError) else str(error) or "damaged"
                raise ConfigError(f"{self.path}: the result of {key!r} is damaged ({what}); "
                                  f"remove that entry to run it again and keep the others, or "
                                  f"run without --resume") from None
        self.entries = stored

    def get(self, job: Job) -> dict | None:
        entry = self.entries.get(job.key)
        return entry["result"] if entry and entry["fingerprint"] == job.fingerprint() else None

    def put(self, job: Job, result: dict) -> None:
        self.entries[job.key] = {"fingerprint": job.fingerprint(), "result": result}
        atomic_write_text(self.path, json.dumps(self.entries, indent=1))


def _call(function, kwargs) -> dict:
    return function(**kwargs)


def _ignore_sigint() -> None:
    """Pool workers leave Ctrl-C to the parent (the terminal sends it to the whole group)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _error_line(error: BaseException) -> str:
    line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {line}" if line else type(error).__name__


class Progress:
    """The line `jobs: 3 done, 2 running, 7 left; about 12 min left`."""

    def __init__(self, total: int, slots: int, echo: Callable[[str], None]):
        self.total, self.slots, self.echo = total, max(1, slots), echo
        self.durations: list[float] = []

    def show(self, done: int, running: int, failed: int) -> None:
        left = self.total - done - running - failed
        text = f"jobs: {done} done, {running} running, {left} left"
        if failed:
            text += f", {failed} failed"
        if self.durations and (left or running):
            mean = sum(self.durations) / len(self.durations)
            eta = mean * math.ceil((left + running) / self.slots)
            text += f"; about {eta / 60:.0f} min left" if eta >= 90 else f"; about {eta:.0f} s left"
        self.echo(text)


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run_jobs(jobs: list[Job], on_result: Callable[[Job, dict], None],
             parallel: JobSettings = JobSettings(), store: ResultStore | None = None,
             echo: Callable[[str], None] = print) -> Outcome:
    """Run `jobs` as `parallel` says; `on_result(job, result)` is called in this process as each
    one finishes (and first for each result `store` already holds). Returns what finished,
    failed or was left."""
    keys = [j.key for j in jobs]
    if len(set(keys)) != len(keys):
        raise ValueError("job keys must be unique")
    outcome = Outcome(total=len(jobs))
    queue = []
    for job in jobs:
        stored = store.get(job) if store else None
        if stored is None:
            queue.append(job)
            continue
        outcome.results[job.key] = stored
        outcome.reused += 1
        on_result(job, stored)
    if outcome.reused:
        echo(f"reusing {outcome.reused} finished job(s) from {store.path}; {len(queue)} to run")
    if not queue:
        return outcome
    if parallel.use_ray:
        backend = RayBackend(parallel.ray_address, echo)
    elif parallel.workers > 1:
        backend = PoolBackend(parallel.workers)
    else:
        backend = InlineBackend()
    progress = Progress(len(jobs), min(backend.slots, len(queue)), echo)
    running: dict = {}  # handle -> (job, start time)

    def show() -> None:
        progress.show(len(outcome.results), len(running), len(outcome.failed))

    with StopOnInterrupt(echo, after="the running jobs, starting no new one") as interrupt:
        try:
            while queue or running:
                busy = sum(job.cpus for job, _ in running.values())
                while queue and not interrupt.requested() and len(running) < backend.slots and (
                        not running or busy + queue[0].cpus <= backend.cpus):
                    job = queue.pop(0)
                    echo(f"{job.key}: started")
                    running[backend.submit(job)] = (job, time.perf_counter())
                    busy += job.cpus
                    show()
                if interrupt.requested():
                    queue.clear()
                    if not running:
                        break
                for handle in backend.wait(list(running)):
                    job, started = running.pop(handle)
                    try:
                        result = backend.result(handle)
                    except KeyboardInterrupt:
                        raise
                    except Exception as error:  # a failed job is reported; the others go on
                        outcome.failed[job.key] = _error_line(backend.cause(error))
                        echo(f"job {job.key} failed: {outcome.failed[job.key]}")
                    else:
                        outcome.results[job.key] = result
                        progress.durations.append(time.perf_counter() - started)
                        if store:
                            store.put(job, result)
                        on_result(job, result)
                    show()
        except KeyboardInterrupt:
            backend.kill(list(running))
            outcome.stopped = f"{interrupt.reason or 'Ctrl-C'}, twice"
        finally:
            backend.close()
    if interrupt.requested() and outcome.stopped is None:
        outcome.stopped = interrupt.reason
    return outcome


class InlineBackend:
    """One job at a time, in this process (`--jobs 1`, the default)."""

    slots = 1
    cpus = 1 << 30  # one job at a time, whatever it reserves

    def submit(self, job: Job):
        return job

    def wait(self, handles: list) -> list:
        return handles

    def result(self, job: Job) -> dict:
        return _call(job.function, job.kwargs)

    def cause(self, error: BaseException) -> BaseException:
        return error

    def kill(self, handles: list) -> None:
        pass

    def close(self) -> None:
        pass


class PoolBackend:
    """Up to `workers` jobs at once in spawned processes, within this machine's CPUs."""

    def __init__(self, workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        self.slots, self.cpus = workers, available_cpus()
        context = multiprocessing.get_context("spawn")  # no fork of a process with torch threads
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                        initializer=_ignore_sigint)

    def submit(self, job: Job):
        with children_ignore_sigint():  # a worker may be started here
            return self.pool.submit(_call, job.function, job.kwargs)

    def wait(self, handles: list) -> list:
        from concurrent.futures import FIRST_COMPLETED, wait
        return list(wait(handles, timeout=0.5, return_when=FIRST_COMPLETED)[0])

    def result(self, future) -> dict:
        return future.result()

    def cause(self, error: BaseException) -> BaseException:
        return error

    def kill(self, handles: list) -> None:
        for process in list((getattr(self.pool, "_processes", None) or {}).values()):
            process.terminate()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class RayBackend:
    """Ray tasks on the cluster at `address` (or RAY_ADDRESS), else on a local Ray instance;
    each task reserves its job's CPUs, and the cluster's CPUs bound how many run at once."""

    def __init__(self, address: str | None, echo: Callable[[str], None]):
        try:
            import ray
        except ImportError:
            raise ConfigError("--ray needs Ray: pip install 'flappy-pg[ray]'") from None
        self.ray = ray
        address = address or os.environ.get("RAY_ADDRESS") or None
        self.started_here = not ray.is_initialized()
        if self.started_here and address:
            check_reachable(address)
        if self.started_here:
            try:
                ray.init(address=address, include_dashboard=False, log_to_driver=False,
                         configure_logging=False)
            except Exception as error:
                raise ConfigError(f"could not start Ray ({'at ' + address if address else 'locally'}"
                                  f"): {_error_line(error)}") from None
        self.cpus = int(ray.cluster_resources().get("CPU", 1))
        self.slots = max(1, self.cpus)
        self.task = ray.remote(_call)
        echo(f"Ray: {self.cpus} CPUs ({'at ' + address if address else 'a local instance'})")

    def submit(self, job: Job):
        return self.task.options(num_cpus=job.cpus).remote(job.function, job.kwargs)

    def wait(self, handles: list) -> list:
        return self.ray.wait(handles, num_returns=1, timeout=0.5)[0]

    def result(self, ref) -> dict:
        return self.ray.get(ref)

    def cause(self, error: BaseException) -> BaseException:
        return getattr(error, "cause", None) or error

    def kill(self, handles: list) -> None:
        for ref in handles:
            self.ray.cancel(ref, force=True)

    def close(self) -> None:
        if self.started_here:
            self.ray.shutdown()


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """A Ray address (host:port or ray://host:port) answers on its port, or a one-line error:
    Ray itself waits minutes on a wrong address, printing its retries."""
    import socket
    if address in ("auto", "local"):
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"Ray address {address!r}: write host:port or ray://host:port")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as error:
        raise ConfigError(f"no Ray cluster answers at {address} ({error.strerror or error}): "
                          f"start one there (ray start --head) or fix --ray-address / "
                          f"RAY_ADDRESS") from None


def stop_lines(outcome: Outcome, jobs: list[Job], kept: str) -> list[str]:
    """What a stopped or partly failed run says at the end: what was kept, what is left."""
    lines = []
    left = outcome.left(jobs)
    if outcome.failed:
        lines.append(f"{len(outcome.failed)} job(s) failed: " + "; ".join(
            f"{k} ({e})" for k, e in outcome.failed.items()))
    if outcome.stopped:
        lines.append(f"stopped ({outcome.stopped}) with {len(outcome.results)} of {len(jobs)} "
                     f"jobs finished; kept: {kept}")
    if left and (outcome.stopped or outcome.failed):
        lines.append(f"not run: {', '.join(left)} (the same command with --resume runs only "
                     f"these)")
    return lines
