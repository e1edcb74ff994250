"""Evaluating an agent: one complete episode on each of N unseen seeds, score statistics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flappy_pg.agents.learner import Act
from flappy_pg.agents.rollout import play_episodes
from flappy_pg.envs.vector import FlappyBirdVectorEnv
from flappy_pg.game.config import GameConfig

EVAL_SEED = 1_000_000  # evaluations during training (which pick the best checkpoint)
TEST_SEED = 2_000_000  # `flappy-pg eval` and the benchmarks: never seen in training or selection
CONFIRM_EPISODES = 100  # a target reached on fewer evaluation games is confirmed on this many


@dataclass
class EvalResult:
    scores: np.ndarray
    lengths: np.ndarray
    max_score: int
    seed: int | None = None  # game i was played on seed + i

    def worst(self, count: int = 3) -> list[tuple[int, int]]:
        """(seed, pipes passed) of the `count` games that ended lowest below the cap."""
        if self.seed is None:
            return []
        order = np.argsort(self.scores, kind="stable")
        return [(self.seed + int(i), int(self.scores[i])) for i in order[:count]
                if self.scores[i] < self.max_score]

    def worst_line(self, replay: str = "flappy-pg watch CHECKPOINT") -> str:
        """Where the policy died soonest, and how to see it: '' when every game reached the cap."""
        worst = self.worst()
        if not worst:
            return ""
        games = ", ".join(f"seed {seed} after {score} pipe{'s' * (score != 1)}"
                          for seed, score in worst)
        return f"worst games: {games} (`{replay} --seed {worst[0][0]}` replays the first)"

    @property
    def mean(self) -> float:
        return float(self.scores.mean())

    @property
    def capped_share(self) -> float:
        """Share of episodes that reached the score cap."""
        return float((self.scores >= self.max_score).mean())

    def summary(self) -> dict:
        s = self.scores
        return {"episodes": len(s), "mean": self.mean, "std": float(s.std()),
                "median": float(np.median(s)), "min": int(s.min()), "max": int(s.max()),
                "capped_share": self.capped_share, "max_score": self.max_score}

    def line(self) -> str:
        d = self.summary()
        return (f"score over {d['episodes']} episodes: mean {d['mean']:.1f} ± {d['std']:.1f}, "
                f"median {d['median']:.0f}, min {d['min']}, max {d['max']}; "
                f"{capped_text(self.scores, self.max_score)} reached the cap of {d['max_score']}")


def capped_text(scores: np.ndarray, cap: int) -> str:
    """'1 of 300 (<1%)', '299 of 300 (>99%)': the count, so that a rare capped game does not
    print as 0%, nor one game short of all as 100%."""
    n, total = int(np.sum(scores >= cap)), len(scores)
    share = f"{n / total:.0%}"
    if 0 < n / total < 0.005:
        share = "<1%"
    elif 0.995 <= n / total < 1:
        share = ">99%"
    return f"{n} of {total} ({share})"


def evaluate(act: Act, config: GameConfig, episodes: int = 100, seed: int = EVAL_SEED,
             max_score: int = 1000, obs_type: str = "features") -> EvalResult:
    """Play one episode on each of the seeds seed, seed + 1, ..., capped at `max_score` pipes,
    the agent seeing observations of `obs_type`."""
    env = FlappyBirdVectorEnv(episodes, config=config, max_score=max_score, obs_type=obs_type)
    result = play_episodes(env, act, seed=seed)
    return EvalResult(result.scores, result.lengths, max_score, seed)
