"""`TrainConfig`: every setting of a REINFORCE run, validated, saved in the run folder and in its
checkpoints. Kept apart from the trainer so that reading it (the CLI's help, say) needs no torch."""

from __future__ import annotations

from dataclasses import dataclass, field

from flappy_pg.agents.settings import (
    MAX_EVAL_EPISODES,
    MAX_GAMES,
    MAX_SCORE_CAP,
    RunSettings,
    seed_setting,
)
from flappy_pg.errors import ConfigError
from flappy_pg.game.config import GameConfig, RewardConfig, require, setting

RETURN_TYPES = ("reward-to-go", "full")
OBSERVATIONS = ("features", "pixels")
PIXEL_BATCH_BYTES = 2 * 1024**3  # the most a pixel batch may hold, at its longest
BASELINES = ("none", "mean", "value", "state")

# Upper limits: beyond them a run would not fit in memory or never finish its first batch.
MAX_BATCH_STEPS = 100_000_000
MAX_WIDTH, MAX_LAYERS = 4096, 8
MAX_MIN_DEATHS = MAX_GAMES * 64

MAX_STEPS = 10**13

#: What `--obs pixels` changes unless given (a batch of frames is 600 times the features): the
#: settings of the measured pixel runs (experiments/pixels), a V(s) of the game's features as
#: the baseline (experiments/pixel_state_baseline), and an evaluation every ~25 s of pixel
#: training (a first look early).
PIXEL_DEFAULTS = {"games": 64, "train_max_score": 30, "lr": 1e-3, "hidden": (64,),
                  "baseline": "state", "pixel_net": "mlp", "eval_every_steps": 1_000_000,
                  "hold_games": 128, "hold_lr": 3e-4, "hold_share": 1.0}
PIXEL_NETS = ("cnn", "mlp")
PIXEL_HELP = ", ".join(f"--{name.replace('_', '-')} "
                       f"{','.join(map(str, value)) if isinstance(value, tuple) else value}"
                       for name, value in PIXEL_DEFAULTS.items())


@dataclass(frozen=True)
class TrainConfig(RunSettings):
    """Every knob of a training run; saved in the run folder and in checkpoints."""

    seed: int = seed_setting()
    # "features" (8 floats, an MLP) or "pixels" (the 64 x 36 frame a step ago and now, read by
    # an MLP over the columns around the bird, or a CNN: `pixel_net`)
    obs: str = setting("features", "What the policy sees: the 8 features (an MLP), or pixels: the "
                       f"64 x 36 frame a step ago and now (then {PIXEL_HELP} unless given).",
                       choices=OBSERVATIONS)
    # 32 games: nearly four times the updates of 256 per env step (long batches near the cap),
    # and 69-83% of unseen games at the cap after 10 M env steps where 256 had none
    # (experiments/small_batches); 16 learned slower.
    games: int = setting(32, "Games played in parallel; each plays one complete episode per "
                         "round.", 1, MAX_GAMES)
    batch_steps: int = setting(0, "Play more rounds until a batch holds at least this many steps.",
                               0, MAX_BATCH_STEPS)
    # As the policy gets reliable its batches grow, so that rare deaths still show up in them.
    min_deaths: int = setting(0, "Play more rounds until the batch holds this many crashes (see "
                              "--max-rounds): batches grow as deaths get rare.", 0, MAX_MIN_DEATHS)
    max_rounds: int = setting(16, "Most rounds per batch that --min-deaths may play.", 1, 1024)
    returns: str = setting("reward-to-go", "Credit each step with the discounted reward-to-go, or "
                           "the whole episode's return.", choices=RETURN_TYPES)
    gamma: float = setting(0.99, "Discount factor.", 0, 1, open_ends=(True, False))
    baseline: str = setting("value", "Baseline subtracted from the returns: none, the batch's "
                            "mean, V(s) learned on what the policy sees (value), or on the "
                            "game's 8 features whatever the policy sees (state: for pixels, a "
                            "small V of the state the frames show).", choices=BASELINES)
    normalize_advantages: bool = setting(True, "Normalize advantages over the whole batch.",
                                         option="normalize")
    # An entropy bonus keeps the nearly sure policy of the first plateau (about 50 pipes)
    # trying other flap timings: it reached a mean of 100 in fewer env steps (experiments/README).
    entropy_coef: float = setting(0.01, "Entropy bonus.", 0, 100)
    # The bonus acts only below the floor, so a new policy (entropy 0.28) is not pushed towards
    # 50/50, where every bird flies into the ceiling and the returns carry no signal.
    entropy_floor: float = setting(0.1, "The entropy bonus acts only on batches whose mean "
                                   "entropy is below this (0: on every batch).", 0, 1)
    lr: float = setting(3e-3, "Policy learning rate (Adam).", 0, 1, open_ends=(True, False))
    lr_half_life_steps: int = setting(0, "The policy's learning rate halves every this many env "
                                      "steps (0: constant).", 0, MAX_STEPS)
    # Near the cap, the updates that taught the policy swing its level by hundreds of pipes; a
    # lower rate on bigger batches held the pixel policy at 95-100 of 100 at the cap
    # (experiments/pixel_polish).
    hold_games: int = setting(0, "Once the games of a batch reach the training cap (see "
                              "--hold-share), rounds play this many games (0: --games).", 0,
                              MAX_GAMES)
    # Small batches swing the level near the cap (87-100 of 100 at 32 games); a third of the
    # rate from the hold on kept 95-99 (experiments/small_batches).
    hold_lr: float = setting(1e-3, "Once the games of a batch reach the training cap (see "
                             "--hold-share), the policy learns at this rate (0: --lr).", 0, 1)
    # Feature batches to 100 pipes keep a death or two even at 99% of real games at 1000
    # (training pipes hold more big drops), so waiting for none would never begin a hold.
    hold_share: float = setting(0.9, "The hold begins after the first batch in which at least "
                                "this share of the new games reached the training cap.", 0, 1,
                                open_ends=(True, False))
    # The update's forward and backward passes (and V(s)'s) cost more than playing the steps
    # once batches are long; a random share of the steps gives the same gradient in expectation.
    update_share: float = setting(1.0, "Share of the batch's steps, drawn at random, that the "
                                  "policy update and the V(s) fit use: the same gradient in "
                                  "expectation, at a fraction of the update's cost (1: all).",
                                  0, 1, open_ends=(True, False))
    value_lr: float = 1e-3
    value_steps: int = 20  # minibatch regression steps of V(s) per batch
    value_minibatch: int = 4096
    max_grad_norm: float = setting(1.0, "Clip the policy gradient's norm (0: no clipping).", 0)
    # 64-64 held 93-99% of games at the cap from 60 M env steps on, where 32-32 swung between
    # 4% and 97% (experiments/mastery_steps); it costs about twice the time per env step.
    hidden: tuple[int, ...] = setting((64, 64), "Hidden layer sizes, e.g. 64,64.")
    init_flap_prob: float = 0.08  # a new policy's flap probability (zero-weight head, this bias)
    input_scale: float = 32.0  # the policy multiplies its inputs by this
    train_max_score: int = setting(100, "Training episodes are truncated at this many pipes.", 1,
                                   MAX_SCORE_CAP)
    truncated_tail: int = setting(1000, "Steps at the end of a truncated training episode left "
                                  "out of the update: the cap cuts their Monte Carlo return "
                                  "short.", 0, MAX_BATCH_STEPS)
    # More big drops to learn from (flappy_pg.curriculum).
    extreme_gap_share: float = setting(0.2, "Share of training pipes put at the top or bottom of "
                                       "the gap range, so that big drops show up more often "
                                       "(evaluations play the real game).", 0, 1,
                                       open_ends=(False, True))
    # With pixels: "mlp" reads the frame pair's columns `pixel_columns` (the bird's and the next
    # pipe's, screen x 32-191) through an MLP; "cnn" (what pixel checkpoints saved before it
    # existed hold) two convolutions over the whole pair (experiments/pixels).
    # A share of each round's games starts two pipes before a recent training death (death_replays).
    replay_share: float = setting(0.0, "Share of each round's training games that start from the "
                                  "state two pipes before a recent training death, so that rare "
                                  "deaths come back often enough to learn from (0: none; "
                                  "evaluations play the real game).", 0, 1,
                                  open_ends=(False, True))
    replay_pipes: int = setting(12, "Pipes a replayed game plays at most from where it starts.",
                                1, MAX_SCORE_CAP)
    pixel_net: str = setting("cnn", "With --obs pixels, the policy: mlp (the bird's and the next "
                             "pipe's columns of the frame pair through an MLP; the pixel default) "
                             "or cnn (two convolutions over the whole pair).", choices=PIXEL_NETS,
                             show_default=False)
    pixel_columns: tuple[int, int] = (4, 24)
    # ... of the rows `pixel_rows`, and of the frame a step ago the columns `pixel_past_columns`
    # (above the ground and the bird's columns, (0, 51) and (7, 11), halve the work per step but
    # learned slower per step: experiments/pixel_input)
    pixel_rows: tuple[int, int] = (0, 64)
    pixel_past_columns: tuple[int, int] = (4, 24)
    max_steps: int = 0  # budget in env steps (0 = none)
    max_seconds: float = 0.0  # budget in wall-clock seconds of training (0 = none)
    target_score: float = 0.0  # stop when the evaluation mean reaches this (0 = never)
    # On a step count, not a clock, so the same seed picks the same best checkpoint.
    eval_every_steps: int = setting(4_000_000, "Evaluate each time the env-step count passes a "
                                    "multiple of this (0: only at the end); a step count, so the "
                                    "same seed picks the same best checkpoint.", 0, 10**12)
    eval_episodes: int = setting(32, "Episodes per evaluation.", 1, MAX_EVAL_EPISODES)
    eval_max_score: int = 1000
    eval_seed: int = 1_000_000  # evaluation games use seeds far from the training seeds
    # One thread: two ran 1.2x faster on a quiet machine but fell to 5-19% of that when another
    # process took a core, where one thread kept all of its rate (experiments/threads_under_load).
    torch_threads: int = setting(1, "Torch threads (2 trains about 1.2x faster on an idle "
                                 "2-core machine, but far slower than 1 once another program "
                                 "takes a core).", 1, 1024, option="threads")
    device: str = "cpu"
    game: GameConfig = field(default_factory=GameConfig)
    rewards: RewardConfig = field(default_factory=RewardConfig)

    def __post_init__(self) -> None:
        checks = [
            (self.obs in OBSERVATIONS, f"obs must be one of {OBSERVATIONS}"),
            (self.returns in RETURN_TYPES, f"returns must be one of {RETURN_TYPES}"),
            (self.baseline in BASELINES, f"baseline must be one of {BASELINES}"),
            (0.0 < self.gamma <= 1.0, "gamma must be in (0, 1]"),
            (1 <= self.games <= MAX_GAMES, f"games must lie in [1, {MAX_GAMES:,}]"),
            (0 <= self.batch_steps <= MAX_BATCH_STEPS,
             f"batch_steps must lie in [0, {MAX_BATCH_STEPS:,}]"),
            (0 < self.lr <= 1 and 0 < self.value_lr <= 1, "learning rates must lie in (0, 1]"),
            (0 < self.update_share <= 1, "update_share must lie in (0, 1]"),
            (0 <= self.hold_games <= MAX_GAMES and 0 <= self.hold_lr <= 1,
             f"hold_games must lie in [0, {MAX_GAMES:,}] and hold_lr in [0, 1]"),
            (0 <= self.min_deaths <= MAX_MIN_DEATHS and 1 <= self.max_rounds <= 1024,
             f"min_deaths must lie in [0, {MAX_MIN_DEATHS:,}] and max_rounds in [1, 1024]"),
            (0 <= self.truncated_tail <= MAX_BATCH_STEPS,
             f"truncated_tail must lie in [0, {MAX_BATCH_STEPS:,}]"),
            (0.0 <= self.extreme_gap_share < 1.0, "extreme_gap_share must lie in [0, 1)"),
            (self.lr_half_life_steps >= 0, "lr_half_life_steps must be 0 or more"),
            (self.value_steps >= 0 and self.value_minibatch >= 1, "value fit settings must be positive"),
            (0 <= self.entropy_coef <= 100, "entropy_coef must lie in [0, 100]"),
            (0 <= self.entropy_floor <= 1, "entropy_floor must lie in [0, 1]"),
            (self.max_grad_norm >= 0, "max_grad_norm must be 0 or more"),
            (1 <= self.train_max_score <= MAX_SCORE_CAP and 1 <= self.eval_max_score <= MAX_SCORE_CAP,
             f"score caps must lie in [1, {MAX_SCORE_CAP:,}]"),
            (self.max_steps >= 0 and self.max_seconds >= 0, "budgets must be 0 or more"),
            (self.target_score >= 0 and self.eval_every_steps >= 0,
             "target_score and eval_every_steps must be 0 or more"),
            (1 <= self.eval_episodes <= MAX_EVAL_EPISODES,
             f"eval_episodes must lie in [1, {MAX_EVAL_EPISODES:,}]"),
            (0 <= self.eval_seed <= 2**32 - MAX_EVAL_EPISODES - 1, "eval_seed is out of range"),
            (0.0 < self.init_flap_prob < 1.0, "init_flap_prob must be in (0, 1)"),
            (0.0 < self.input_scale <= 1e4, "input_scale must lie in (0, 10000]"),
            (1 <= self.torch_threads <= 1024, "torch_threads must lie in [1, 1024]"),
            (self.device == "cpu", "device must be 'cpu'"),
            (1 <= len(self.hidden) <= MAX_LAYERS and all(1 <= h <= MAX_WIDTH for h in self.hidden),
             f"hidden: 1 to {MAX_LAYERS} layers of 1 to {MAX_WIDTH} units"),
            (self.pixel_net in PIXEL_NETS, f"pixel_net must be one of {PIXEL_NETS}"),
            *[(len(window) == 2 and 0 <= window[0] < window[1],
               f"{name} must be two indices (first, last + 1), first < last + 1")
              for name, window in (("pixel_columns", self.pixel_columns),
                                   ("pixel_rows", self.pixel_rows),
                                   ("pixel_past_columns", self.pixel_past_columns))],
        ]
        require(checks)
        self.check_common()
        if self.obs == "pixels":
            self.check_pixel_windows()
            self.check_pixel_batch()

    @classmethod
    def for_obs(cls, obs: str = "features", **settings) -> "TrainConfig":
        """The config of a run on `obs`: the pixel defaults where `settings` leave them out."""
        defaults = PIXEL_DEFAULTS if obs == "pixels" else {}
        return cls(obs=obs, **{**defaults, **settings})

    @property
    def most_games(self) -> int:
        """The most games a round may play: --games, or --hold-games once the run holds."""
        return max(self.games, self.hold_games)

    @property
    def obs_type(self) -> str:
        """The envs' `obs_type` of this run's observations."""
        return "pixel-pairs" if self.obs == "pixels" else "features"

    def check_pixel_windows(self) -> None:
        """The MLP's windows must each hold some of the frame's rows or columns."""
        from flappy_pg.game.pixels import PixelFrames
        rows, cols = PixelFrames(self.game).shape
        for name, window, size in (("pixel_columns", self.pixel_columns, cols),
                                   ("pixel_rows", self.pixel_rows, rows),
                                   ("pixel_past_columns", self.pixel_past_columns, cols)):
            if window[0] >= size:
                raise ConfigError(f"{name} {tuple(window)} lie outside the frame's {size} "
                                  f"{'rows' if name == 'pixel_rows' else 'columns'}")

    def check_pixel_batch(self) -> None:
        """A batch of pixel observations is stored whole: refuse one too large for memory."""
        c = self.game
        frames = (c.first_pipe_x + c.pipe_width - c.bird_x
                  + self.train_max_score * c.pipe_spacing) / c.pipe_speed
        rounds = self.max_rounds if self.min_deaths else 1
        frame_bytes = self.pixel_step_bytes()
        if self.batch_steps * frame_bytes > PIXEL_BATCH_BYTES:
            raise ConfigError(f"with pixels, a batch of at least {self.batch_steps:,} steps would "
                              f"need {self.batch_steps * frame_bytes / 1024**3:.1f} GB (the limit is "
                              f"{PIXEL_BATCH_BYTES / 1024**3:.0f} GB): lower --batch-steps")
        size = frames * self.most_games * rounds * frame_bytes
        if size > PIXEL_BATCH_BYTES:
            also = (f", or --max-rounds (up to {rounds} rounds of games may play to find "
                    f"--min-deaths {self.min_deaths:,})" if rounds > 1 else "")
            raise ConfigError(f"with pixels, {self.most_games} games of up to "
                              f"{self.train_max_score} pipes would need {size / 1024**3:.1f} GB "
                              f"per batch (the limit is {PIXEL_BATCH_BYTES / 1024**3:.0f} GB): "
                              f"lower --games, --hold-games or "
                              f"--train-max-score{also}")

    def pixel_step_bytes(self) -> int:
        """What a pixel batch holds per step: the whole pair for the CNN; for the MLP, the first
        layer's products its actor keeps (float32) and the cells it reads, or only their layouts
        (44 int16, `LayoutCodes`) when no V(s) is fitted on the cells."""
        import math

        from flappy_pg.game.pixels import PixelPairCut, PixelPairs
        if self.pixel_net != "mlp":
            return math.prod(PixelPairs(self.game).shape)
        cut = PixelPairCut(self.game, tuple(self.pixel_columns), tuple(self.pixel_rows),
                           tuple(self.pixel_past_columns))
        kept = cut.shape[0] if self.baseline == "value" else \
            2 * (cut.past.shape[1] + cut.now.shape[1] + 4)
        state = 8 * 4 if self.baseline == "state" else 0  # the features `StateRecorder` keeps
        return kept + 4 * self.hidden[0] + state

    def to_dict(self) -> dict:
        return {**super().to_dict(), "hidden": list(self.hidden),
                "pixel_columns": list(self.pixel_columns), "pixel_rows": list(self.pixel_rows),
                "pixel_past_columns": list(self.pixel_past_columns)}

    @classmethod
    def from_dict(cls, values: dict) -> "TrainConfig":
        from flappy_pg.agents.reinforce.migrations import upgrade_train_config
        return super().from_dict(upgrade_train_config(values))
