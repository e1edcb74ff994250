"""REINFORCE from pixels: a policy learns Flappy Bird from the screen, within a time budget.

`flappy-pg train --obs pixels` does the same with run folders and checkpoints; this file shows the
loop itself. Each step of `Trainer` plays one complete episode in each of 64 games with the current
policy, credits every action with its reward-to-go minus the batch's mean return, and makes one
gradient step on -mean(log π(a|s) · Â): the score-function estimate, on fresh episodes only.

What the policy sees (`obs_type="pixel-pairs"`): two 64 x 36 grayscale frames, the one a step ago
and the one now (one frame shows no speed), drawn by numpy from the game's state. The network
(`--net mlp`, the default of `train --obs pixels`): the columns of both frames around the bird and
the next pipe, flattened, a 64-unit tanh layer, two logits, acting through a numpy copy; `--net
cnn`: two strided convolutions (8 and 16 channels) over the whole pair (it learned nothing in 300 s:
experiments/pixels).

    python examples/reinforce_pixels.py --seconds 300 --seed 0

Prints a line per update, and a greedy evaluation on 32 unseen games every --eval-every seconds
of training (evaluations are not counted in the budget).
"""

from __future__ import annotations

import argparse

from flappy_pg.agents.evaluate import evaluate
from flappy_pg.agents.reinforce.trainer import Trainer
from flappy_pg.agents.reinforce.config import TrainConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="training time budget")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--games", type=int, default=64, help="episodes per batch")
    parser.add_argument("--max-score", type=int, default=30, help="training episodes end here")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--baseline", choices=["mean", "value"], default="mean",
                        help="value: a V(s) of the same kind, fitted with 5 minibatches of 1024 per "
                             "update")
    parser.add_argument("--net", choices=["mlp", "cnn"], default="mlp", help="the policy network")
    parser.add_argument("--eval-every", type=float, default=30.0, help="seconds of training")
    args = parser.parse_args()

    config = TrainConfig(obs="pixels", seed=args.seed, games=args.games, lr=args.lr,
                         train_max_score=args.max_score, hidden=(64,), baseline=args.baseline,
                         pixel_net=args.net,
                         value_steps=5, value_minibatch=1024, eval_every_steps=0)
    trainer = Trainer(config)
    state, next_eval = trainer.state, 0.0
    while True:
        if state.seconds >= next_eval or state.seconds >= args.seconds:
            result = evaluate(trainer.eval_actor(), config.game, episodes=32,
                              max_score=1000, obs_type=config.obs_type)
            print(f"evaluation at {state.seconds:6.1f} s of training, {state.env_steps:,} env "
                  f"steps: greedy {result.line()}", flush=True)
            next_eval += args.eval_every
            if state.seconds >= args.seconds:
                break
        stats = trainer.step()
        print(f"update {stats['update']:4d}  steps {stats['env_steps']:>10,}  score mean "
              f"{stats['score_mean']:6.2f}  max {stats['score_max']:4d}  entropy "
              f"{stats['entropy']:.3f}  {stats['sps']:7,.0f} steps/s  {state.seconds:6.1f} s",
              flush=True)


if __name__ == "__main__":
    main()
