"""The run harness: when a run stops for its target score, and what it says."""

import numpy as np

from flappy_pg.agents.evaluate import EvalResult
from flappy_pg.agents.qlearning.algorithm import QLearner
from flappy_pg.agents.qlearning.config import QConfig
from flappy_pg.runs import harness


def scripted_evaluations(monkeypatch, confirmations: list[float]):
    """Every 4-game evaluation reaches the cap; the 100-game checks score `confirmations` in
    turn (each a share of the games at the cap, the rest at 1). Returns the calls' seeds."""
    calls = []

    def fake_evaluate(act, config, episodes, seed, max_score, obs_type):
        calls.append((episodes, seed))
        share = 1.0 if episodes != 100 else confirmations.pop(0)
        capped = round(share * episodes)
        scores = np.array([max_score] * capped + [1] * (episodes - capped))
        return EvalResult(scores, scores * 10, max_score)

    monkeypatch.setattr(harness, "evaluate", fake_evaluate)
    return calls


def test_a_target_reached_on_few_games_must_hold_on_100_fresh_ones(tmp_path, monkeypatch):
    calls = scripted_evaluations(monkeypatch, [0.99, 1.0])
    learner = QLearner(QConfig(games=4, eval_episodes=4, eval_every_steps=200, target_score=1000,
                               max_steps=10**6, eval_max_score=1000))
    lines = []
    summary = harness.run_training(learner, tmp_path / "ck", tmp_path / "runs", ".npz",
                                   echo=lines.append)
    checks = [line for line in lines if line.startswith("target check")]
    assert len(checks) == 2
    assert "99 of 100" in checks[0] and checks[0].endswith("not yet, training on")
    assert checks[1].endswith("confirmed")
    assert summary["reason"] == "reached the target score (evaluation mean 1000.0 on 100 unseen games)"
    stop = next(line for line in lines if line.startswith("stopped:"))
    assert "on 100 unseen games" in stop
    # the checks play fresh games: the seeds right after the evaluation's own
    evaluations = [seed for episodes, seed in calls if episodes == 4]
    assert {seed for episodes, seed in calls if episodes == 100} == {evaluations[0] + 4}
    # the untrained policy's look, two evaluations, two checks; no final evaluation of a state
    assert len(calls) == 5


def test_an_evaluation_on_100_games_or_more_needs_no_check(tmp_path, monkeypatch):
    calls = scripted_evaluations(monkeypatch, [])
    learner = QLearner(QConfig(games=4, eval_episodes=128, eval_every_steps=200, target_score=1000,
                               max_steps=10**6))
    summary = harness.run_training(learner, tmp_path / "ck", tmp_path / "runs", ".npz",
                                   echo=lambda line: None)
    assert summary["reason"] == "reached the target score (evaluation mean 1000.0 on 128 unseen games)"
    assert calls == [(128, learner.config.eval_seed)] * 2  # the untrained look, then the target


def test_a_tensorboard_writer_failing_in_its_thread_is_raised_in_the_run_not_printed(
        tmp_path, capsys):
    import errno
    import threading

    import pytest

    from flappy_pg.runs.log import RunLog
    pytest.importorskip("tensorboard")
    log = RunLog(tmp_path / "run", {"seed": 0})
    assert log.tensorboard is not None

    def full_disk():
        raise OSError(errno.ENOSPC, "No space left on device")
    writer = threading.Thread(target=full_disk)
    writer.start()
    writer.join()
    assert capsys.readouterr().err == ""  # no traceback from the writer's thread
    with pytest.raises(OSError) as raised:
        log.update({"update": 1, "env_steps": 10})
    assert raised.value.errno == errno.ENOSPC
    log.close()
    assert threading.excepthook != log._thread_failed  # the hook is given back
    assert (tmp_path / "run" / "updates.csv").read_text().startswith("update,env_steps")


def test_the_update_at_which_the_hold_begins_is_said_even_between_progress_lines(tmp_path,
                                                                                  monkeypatch):
    from flappy_pg.agents.reinforce.config import TrainConfig
    from flappy_pg.agents.reinforce.trainer import Trainer
    trainer = Trainer(TrainConfig(games=4, train_max_score=2, hidden=(8,), max_steps=3000,
                                  eval_every_steps=0, hold_games=6, hold_lr=2e-4, hold_share=1.0))

    def begin_at_update_2(self, rounds):  # what a batch of games all at the cap would do
        if self.state.updates != 2 or self.holding_since is not None:
            return False
        self.holding_since = self.state.env_steps
        return True

    monkeypatch.setattr(Trainer, "begin_hold", begin_at_update_2)
    lines = []
    harness.run_training(trainer, tmp_path / "ck", tmp_path / "runs", ".pt", echo=lines.append,
                         progress_every=3600)
    said = [line for line in lines if "holds from here on" in line]
    assert said == ["update 2: every new game of its batch reached the training cap, so training "
                    "holds from here on (6 games a round, learning rate 0.0002)"]
    assert trainer.holding_since is not None


def test_a_ctrl_c_during_the_first_evaluation_stops_the_run_and_saves(tmp_path, monkeypatch):
    import signal

    def interrupted_evaluate(act, config, episodes, seed, max_score, obs_type):
        signal.raise_signal(signal.SIGINT)  # Ctrl-C while the untrained policy is evaluated
        scores = np.zeros(episodes, dtype=np.int64)
        return EvalResult(scores, scores + 10, max_score)

    monkeypatch.setattr(harness, "evaluate", interrupted_evaluate)
    learner = QLearner(QConfig(games=4, eval_episodes=4, eval_every_steps=200, max_steps=10**6))
    lines = []
    summary = harness.run_training(learner, tmp_path / "ck", tmp_path / "runs", ".npz",
                                   echo=lines.append)
    assert summary["reason"] == "interrupted (Ctrl-C)"
    assert learner.state.updates == 0  # no update began after the stop
    assert any(line.startswith("latest checkpoint saved") for line in lines), lines
    assert (tmp_path / "ck" / "latest.npz").exists()
