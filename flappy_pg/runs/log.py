"""A run folder: the config as JSON, every update as a CSV row, evaluations in their own CSV, and,
when the optional `tensorboard` extra is installed, TensorBoard logs as CleanRL writes them: the
hyperparameters as a text table, `charts/episodic_return` and `charts/episodic_length` for every
finished episode, and per update `charts/SPS`, `losses/policy_loss`, `losses/entropy`,
`charts/epsilon` (Q-learning), ..."""

from __future__ import annotations

import contextlib
import csv
import json
import threading
from pathlib import Path

from flappy_pg.files import atomic_write

UPDATE_COLUMNS = ["update", "env_steps", "episodes", "seconds", "batch_steps", "score_mean",
                  "score_max", "return_mean", "policy_loss", "entropy", "grad_norm", "value_loss",
                  "sps"]
EVAL_COLUMNS = ["update", "env_steps", "seconds", "mean", "std", "median", "min", "max",
                "capped_share"]
TENSORBOARD_KEYS = {"score_mean": "charts/score", "sps": "charts/SPS",
                    "epsilon": "charts/epsilon", "policy_loss": "losses/policy_loss",
                    "entropy": "losses/entropy", "value_loss": "losses/value_loss",
                    "grad_norm": "losses/grad_norm"}


def keep_rows_up_to(path: Path, update: int) -> None:
    """Drop the rows of updates after `update`: a resumed run makes them again."""
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return
    column = rows[0].index("update") if "update" in rows[0] else 0
    kept = [rows[0]] + [r for r in rows[1:] if len(r) > column and r[column].isdigit()
                        and int(r[column]) <= update]
    if len(kept) == len(rows):
        return

    def write(temporary: Path) -> None:
        with temporary.open("w", newline="") as f:
            csv.writer(f).writerows(kept)
    atomic_write(path, write)


@contextlib.contextmanager
def naming(path: Path):
    """An OSError raised inside names `path` when it named no file (a write on a full disk)."""
    try:
        yield
    except OSError as error:
        if error.filename:
            raise
        raise OSError(error.errno, error.strerror or str(error), str(path)) from None


class RunLog:
    """The run folder's files. `resume_after`: the update count of the checkpoint a resumed run
    starts from; rows logged after it are dropped and the rest appended to."""

    def __init__(self, folder: str | Path, config: dict, resume_after: int | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        with naming(self.folder / "config.json"):
            (self.folder / "config.json").write_text(json.dumps(config, indent=2))
        self._files, self._writers = [], {}
        for name, columns in (("updates", UPDATE_COLUMNS), ("evals", EVAL_COLUMNS)):
            path = self.folder / f"{name}.csv"
            fresh = resume_after is None or not path.exists()
            if not fresh:
                keep_rows_up_to(path, resume_after)
            f = path.open("w" if fresh else "a", newline="")
            writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
            if fresh:
                with naming(path):
                    writer.writeheader()
                    f.flush()  # a disk with no room fails here, before any training, in one line
            self._files.append(f)
            self._writers[name] = writer
        self.writer_error: OSError | None = None
        self._previous_hook = None
        try:
            from torch.utils.tensorboard import SummaryWriter
            self.tensorboard = SummaryWriter(str(self.folder / "tensorboard"))
        except ImportError:  # the optional extra is not installed
            self.tensorboard = None
        if self.tensorboard:
            # TensorBoard writes from its own thread: an OSError there (a full disk) would print
            # a traceback in the middle of the progress lines. Keep it, and raise it here instead.
            self._previous_hook = threading.excepthook
            threading.excepthook = self._thread_failed
        if self.tensorboard and resume_after is None:
            rows = "\n".join(f"|{key}|{value}|" for key, value in config.items())
            self.tensorboard.add_text("hyperparameters", f"|param|value|\n|-|-|\n{rows}")

    def _thread_failed(self, args) -> None:
        if issubclass(args.exc_type, OSError) and args.thread is not threading.main_thread():
            self.writer_error = args.exc_value
            return
        self._previous_hook(args)

    def _raise_writer_error(self) -> None:
        if self.writer_error is not None:
            error, self.writer_error = self.writer_error, None
            with naming(self.folder / "tensorboard"):
                raise error

    def _write(self, index: int, name: str, row: dict) -> None:
        with naming(Path(self._files[index].name)):
            self._writers[name].writerow(row)
            self._files[index].flush()

    def update(self, stats: dict) -> None:
        """One update's CSV row; its finished episodes (`episode_returns`, `episode_lengths`)
        and figures to TensorBoard, at the update's env-step count."""
        self._raise_writer_error()
        self._write(0, "updates", stats)
        if self.tensorboard:
            step = stats["env_steps"]
            for episode_return, length in zip(stats.get("episode_returns", ()),
                                              stats.get("episode_lengths", ())):
                self.tensorboard.add_scalar("charts/episodic_return", float(episode_return), step)
                self.tensorboard.add_scalar("charts/episodic_length", int(length), step)
            for key, tag in TENSORBOARD_KEYS.items():
                if key in stats:
                    self.tensorboard.add_scalar(tag, stats[key], step)

    def evaluation(self, row: dict) -> None:
        self._write(1, "evals", row)
        if self.tensorboard:
            self.tensorboard.add_scalar("eval/score_mean", row["mean"], row["env_steps"])

    def close(self) -> None:
        for f in self._files:
            try:
                f.close()
            except OSError:  # the disk filled up: what was flushed before is kept
                pass
        if self.tensorboard:
            try:
                self.tensorboard.close()
            except OSError:
                pass
            threading.excepthook = self._previous_hook
