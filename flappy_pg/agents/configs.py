"""A learner's config from flat setting values, as the command line and sweeps give them: the
learner's own fields, its game's (`GameConfig`) and its rewards' (`RewardConfig`) side by side,
each known by its field name; `preset="classic"` starts Q-learning from the classic recipe."""

from __future__ import annotations

import dataclasses

from flappy_pg.game.config import GameConfig, RewardConfig

GAME_FIELDS = {f.name for f in dataclasses.fields(GameConfig)}
REWARD_FIELDS = {f.name for f in dataclasses.fields(RewardConfig)}


def learner_config(kind: str, values: dict):
    """The `TrainConfig` (kind "reinforce": the pixel defaults with `obs="pixels"`, checked to
    fit in memory) or `QConfig` (kind "qlearning") that `values` set; the rest are defaults."""
    values = dict(values)
    game = GameConfig(**{k: values.pop(k) for k in GAME_FIELDS & set(values)})
    rewards = RewardConfig(**{k: values.pop(k) for k in REWARD_FIELDS & set(values)})
    if kind == "reinforce":
        from flappy_pg.agents.reinforce.config import TrainConfig
        from flappy_pg.agents.reinforce.footprint import check_fits_memory
        config = TrainConfig.for_obs(values.pop("obs", "features"), game=game, rewards=rewards,
                                     **values)
        check_fits_memory(config)
        return config
    from flappy_pg.agents.qlearning.config import QConfig
    make = QConfig.classic if values.pop("preset", None) == "classic" else QConfig
    return make(game=game, rewards=rewards, **values)
