"""The gradient lab's run and report: the exact check on the first policy, the estimators' variance
on the real game, the cosine curves of every policy, written as `gradlab.md`, `gradlab.png` and
`cosines.png`."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from flappy_pg.errors import ConfigError
from flappy_pg.studies.gradlab import curves
from flappy_pg.studies.gradlab.exact import VARIANTS, estimator_variance, exactness
from flappy_pg.studies.gradlab.sizes import LabSizes


def run_gradlab(policies: list[tuple], sizes: LabSizes, seed: int, folder: Path,
                echo: Callable[[str], None] = print) -> None:
    """`policies`: (policy, game config, label) each; the first gets the exact check and the
    variance table, every one its cosine curves."""
    policy, config, label = policies[0]
    echo(f"gradient lab on {label}")
    exact = exactness(policy, config, horizon=sizes.horizon, repeats=sizes.repeats, seed=seed,
                      echo=echo)
    variance = estimator_variance(policy, config, batches=sizes.batches, episodes=sizes.episodes,
                                  reference_episodes=sizes.variance_reference,
                                  reference_chunks=sizes.variance_chunks,
                                  max_score=sizes.max_score, seed=seed,
                                  fit_epochs=sizes.fit_epochs, echo=echo)
    settings = sizes.curve_settings(seed)
    measured = [curves.measure(p, c, name, settings, echo=echo) for p, c, name in policies]
    table = markdown(exact["rows"], variance)
    cosines = "\n".join([*(f"- {curves.summary(c)}" for c in measured), "", curves.table(measured)])
    note = QUICK_NOTE if sizes.quick else ""
    (folder / "gradlab.md").write_text(
        f"# Gradient lab: {label}\n\n{note}{table}\n\n![plot](gradlab.png)\n\n"
        f"## Cosine similarity against the batch size\n\n{cosines}\n\n"
        f"![cosines](cosines.png)\n\n{curves.COSINES_CAPTION}\n")
    plot_lab(exact["rows"], variance, folder / "gradlab.png", quick=sizes.quick)
    curves.plot(measured, folder / "cosines.png", quick=sizes.quick)
    echo(table)
    echo(cosines)
    echo(f"tables and plots written to {folder}")


QUICK_NOTE = ("**Made with `--quick`: smoke-test sizes (a 8-frame game, 10 repeats, references of a "
              "few hundred episodes). The pipeline ran end to end; the figures are too noisy to "
              "mean anything. Run without `--quick` for the real lab.**\n\n")


def plot_lab(exact_rows: list[dict], variance_rows: list[dict], path, quick: bool = False) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    for variant in VARIANTS:
        rows = [r for r in exact_rows if r["variant"] == variant]
        left.loglog([r["N"] for r in rows], [r["relative"] for r in rows], "o-", label=variant)
    ns = np.array(sorted({r["N"] for r in exact_rows}), dtype=float)
    first = [r for r in exact_rows if r["variant"] == "full return"][0]
    left.loglog(ns, first["relative"] * np.sqrt(ns[0] / ns), "k--", label="∝ 1/√N")
    left.axhline(1.0, color="gray", linestyle=":", linewidth=1,
                 label="1.0: an estimate of zero (all N returns equal,\nso the baseline cancels them)")
    left.set_xlabel("trajectories N")
    left.set_ylabel("relative error of the estimate")
    tag = " (--quick sizes)" if quick else ""
    left.set_title(f"Error of N-trajectory estimates vs the exact gradient{tag}", fontsize=10)
    left.legend(fontsize=7, loc="upper right")
    left.grid(alpha=0.3)
    names = [r["variant"] for r in variance_rows]
    right.barh(names, [r["trace_cov"] for r in variance_rows], color="tab:blue")
    right.set_xscale("log")
    right.set_xlabel("variance of the estimate (trace of covariance)")
    right.set_title(f"Variance of each estimator on the real game{tag}", fontsize=10)
    for y, r in enumerate(variance_rows):
        right.text(r["trace_cov"], y, f"  cos {r['cosine_to_reference']:.2f}", va="center", fontsize=8)
    right.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def markdown(exact_rows: list[dict], variance_rows: list[dict]) -> str:
    lines = ["| estimator | N | RMS error | relative error | error × √N |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {r['variant']} | {r['N']:,} | {r['rms_error']:.4f} | {r['relative']:.3f} | "
              f"{r['error_x_sqrtN']:.3f} |" for r in exact_rows]
    lines += ["", "| estimator | variance (trace of covariance) | mean squared distance to reference "
              "| cosine similarity to reference |", "| --- | --- | --- | --- |"]
    lines += [f"| {r['variant']} | {r['trace_cov']:.4g} | {r['mse_to_reference']:.4g} | "
              f"{r['cosine_to_reference']:.3f} |" for r in variance_rows]
    return "\n".join(lines)


def lab_policies(checkpoint: str | None, fresh: bool, seed: int) -> list[tuple]:
    """(policy, game config, label) of each policy the lab measures."""
    from flappy_pg.agents.reinforce.checkpoint import load_policy, train_config_of
    from flappy_pg.paths import MIDWAY_POLICY, PRETRAINED_POLICY
    if fresh:
        import torch

        from flappy_pg.agents.reinforce.networks import make_networks
        torch.manual_seed(seed)
        from flappy_pg.agents.reinforce.config import TrainConfig
        config = TrainConfig()
        return [(make_networks(config)[0], config.game, "a fresh policy")]

    def load(path, label):
        policy, payload = load_policy(path)
        config = train_config_of(payload, path)
        if config.obs_type != "features":
            raise ConfigError(f"{path} plays from pixels: the gradient lab works on feature "
                              f"policies")
        return policy, config.game, label
    if checkpoint:
        return [load(checkpoint, str(checkpoint))]
    return [load(MIDWAY_POLICY, "midway (20 s)"), load(PRETRAINED_POLICY, "shipped")]
