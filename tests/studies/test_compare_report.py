"""The comparison's verdict: ties, matched seeds, and gaps the seeds cannot resolve."""

import numpy as np

from flappy_pg.studies.compare_report import AgentRun, verdict


def run(agent, seed, scores, reached_100_at=None):
    curve = [{"seconds": 0.0, "env_steps": 0, "episodes": 0, "mean": 0.0}]
    if reached_100_at is not None:
        curve.append({"seconds": reached_100_at, "env_steps": 10, "episodes": 1, "mean": 100.0})
    scores = np.asarray(scores)
    return AgentRun(agent, seed, curve, {"mean": float(scores.mean()), "scores": scores,
                                         "max_score": 1000})


def test_a_tie_at_zero_is_too_short_to_tell_not_ahead():
    text = verdict([run("REINFORCE", 0, [0, 0]), run("Q-learning", 0, [0, 0])])
    assert "too short to tell" in text and "ahead" not in text


def test_a_comparison_where_nobody_passes_ten_pipes_crowns_nobody():
    text = verdict([run("REINFORCE", 0, [3, 3]), run("Q-learning", 0, [8, 9])])
    assert "too short to tell" in text and "ahead" not in text and "8.5 for Q-learning" in text


def test_a_tie_above_the_first_pipes_is_level():
    text = verdict([run("REINFORCE", 0, [50, 50]), run("Q-learning", 0, [50, 50])])
    assert "end level" in text and "ahead" not in text


def test_seed_by_seed_counts_matched_seeds_only():
    runs = [run("REINFORCE", 0, [900] * 4), run("REINFORCE", 1, [100] * 4),
            run("Q-learning", 0, [800] * 4), run("Q-learning", 1, [50] * 4)]
    text = verdict(runs)
    assert "REINFORCE ends ahead" in text
    assert "REINFORCE is higher on 2 of 2, Q-learning on 0." in text


def test_a_gap_inside_the_seed_spread_is_called_so():
    close = [run("REINFORCE", 0, [990] * 4), run("REINFORCE", 1, [970] * 4),
             run("Q-learning", 0, [1000] * 4), run("Q-learning", 1, [950] * 4)]
    assert "do not tell the two apart" in verdict(close)  # 980 vs 975, seed stds 10 and 25
    far = [run("REINFORCE", 0, [990] * 4), run("REINFORCE", 1, [980] * 4),
           run("Q-learning", 0, [500] * 4), run("Q-learning", 1, [520] * 4)]
    assert "do not tell the two apart" not in verdict(far)
    single = [run("REINFORCE", 0, [990] * 4), run("Q-learning", 0, [985] * 4)]
    assert "do not tell the two apart" not in verdict(single)  # one seed: no spread to judge by
