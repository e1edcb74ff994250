"""Pixel REINFORCE probe (issue 28): the trainer with its CNN swapped for an MLP over a crop of the
pixel pair, acting through a numpy snapshot. A prototype: it replaces `make_networks` and
`actor_for` in the algorithm module, which the product will offer as a setting instead.

    python experiments/pixels/mlp_probe.py JSON   (TrainConfig settings, plus crop, diff, seconds, eval_every)
"""
import json, sys, time
import numpy as np, torch
from torch import nn
import flappy_pg.agents.reinforce.algorithm as R
import flappy_pg.agents.reinforce.networks as P
from flappy_pg.agents.reinforce.trainer import Trainer
from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.evaluate import evaluate

args = json.loads(sys.argv[1])
crop = args.pop("crop", None)  # (col0, col1)
diff = args.pop("diff", False)
seconds = args.pop("seconds", 300)
eval_every = args.pop("eval_every", 30)

class MLPPix(P.CategoricalPolicy):
    def __init__(self, shape, hidden, init_flap_prob):
        super().__init__()
        c, r, w = shape
        self.c0, self.c1 = crop or (0, w)
        n = (1 if diff else c) * r * (self.c1 - self.c0)
        self.net = P.mlp(n, hidden, 2, last_gain=0.01)
        P.flap_bias(self.net[-1], init_flap_prob)
    def prep(self, x):
        x = x[..., self.c0:self.c1].float() / 255.0
        if diff:
            x = x[:, 1:2] - 0.5 * x[:, 0:1]
        return x.flatten(1)
    def forward(self, x):
        return self.net(self.prep(x))

class NumpyPix:
    def __init__(self, pol):
        self.pol = pol
        lin = [m for m in pol.net if isinstance(m, nn.Linear)]
        self.layers = [(m.weight.detach().numpy().T.copy(), m.bias.detach().numpy().copy()) for m in lin]
    def flap_probability(self, obs):
        x = obs[..., self.pol.c0:self.pol.c1].astype(np.float32) * np.float32(1 / 255)
        if diff:
            x = x[:, 1:2] - 0.5 * x[:, 0:1]
        h = x.reshape(len(x), -1)
        for w, b in self.layers[:-1]:
            h = np.tanh(h @ w + b)
        w, b = self.layers[-1]
        l = h @ w + b
        return 1.0 / (1.0 + np.exp(l[:, 0] - l[:, 1]))

def make_networks(config):
    from flappy_pg.game.pixels import PixelPairs
    shape = PixelPairs(config.game).shape
    return MLPPix(shape, config.hidden, config.init_flap_prob), P.PixelValue(shape, (8,))
R.make_networks = make_networks
R.actor_for = lambda p: NumpyPix(p)

config = TrainConfig(obs="pixels", eval_every_steps=0, **args)
tr = Trainer(config)
s = tr.state; nxt = 0.0; t0 = time.time()
print("config", json.dumps(args), "crop", crop, "diff", diff, flush=True)
while True:
    if s.seconds >= nxt or s.seconds >= seconds:
        r = evaluate(tr.eval_actor(), config.game, episodes=100, max_score=1000, obs_type=config.obs_type)
        print(f"EVAL t {s.seconds:7.1f} steps {s.env_steps:>11,} mean {r.mean:7.1f} capped {r.capped_share:.2f} wall {time.time()-t0:7.1f}", flush=True)
        nxt += eval_every
        if s.seconds >= seconds: break
    st = tr.step()
    if st["update"] % 20 == 0:
        print(f"u {st['update']} steps {st['env_steps']:,} score {st['score_mean']:.2f} max {st['score_max']} ent {st['entropy']:.3f} sps {st['sps']:,.0f}", flush=True)
