"""`LabSizes`: how much the gradient lab measures, each size with its command-line option (kept
apart from the lab, which needs torch, so that the CLI's help does not)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from flappy_pg.game.config import setting

if TYPE_CHECKING:
    from flappy_pg.studies.gradlab import curves


@dataclass(frozen=True)
class LabSizes:
    """How much the lab measures (the CLI's options)."""

    horizon: int = setting(10, "Frames of the enumerated short game (2^horizon trajectories).",
                           2, 14)
    repeats: int = setting(50, "Monte Carlo estimates per sample size N.", 2, 10_000)
    batches: int = setting(30, "Independent batches on the real game.", 2, 10_000)
    episodes: int = setting(32, "Episodes per batch on the real game.", 2, 100_000)
    max_score: int = setting(2, "Real-game episodes of the variance table are capped at this many "
                             "pipes.", 1, 10_000)
    pool: int = setting(8192, "Cosine curves: episodes whose per-episode gradients are resampled "
                        "into batches (the largest batch is half of it).", 16, 65_536)
    reference: int = setting(16_384, "Cosine curves: fewest episodes of the reference gradient "
                             "(more, up to 65,536, until its estimated error is at most 20% of "
                             "its norm).", 16, 1_000_000)
    curve_max_score: int = setting(100, "Cosine curves: episodes are capped here (training's "
                                   "cap).", 1, 10_000)
    variance_reference: int = 4096  # episodes per chunk of the variance table's reference
    variance_chunks: int = 8
    fit_epochs: int = 300  # of the V(s) baseline fits
    quick: bool = False

    def smallest(self) -> "LabSizes":
        """Tiny sizes everywhere, for a smoke test (`--quick`)."""
        return replace(self, horizon=min(self.horizon, 8), repeats=min(self.repeats, 10),
                       batches=min(self.batches, 4), episodes=min(self.episodes, 8),
                       pool=min(self.pool, 64), reference=min(self.reference, 128),
                       curve_max_score=min(self.curve_max_score, 5),
                       variance_reference=128, variance_chunks=2, fit_epochs=30, quick=True)

    def curve_settings(self, seed: int) -> "curves.Settings":
        from flappy_pg.studies.gradlab import curves
        return curves.Settings(pool=self.pool, reference=self.reference,
                               fit=min(1024, self.reference),
                               reference_max=self.reference if self.quick else max(self.reference, 65_536),
                               max_score=self.curve_max_score, seed=seed,
                               repeats=10 if self.quick else 30, fit_epochs=self.fit_epochs)
