"""The networks: a categorical policy over {idle, flap} and a state-value baseline, both small
MLPs over the feature observation."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.distributions import Categorical


def mlp(inputs: int, hidden: tuple[int, ...], outputs: int, last_gain: float) -> nn.Sequential:
    layers, width = [], inputs
    for size in hidden:
        linear = nn.Linear(width, size)
        nn.init.orthogonal_(linear.weight, gain=2 ** 0.5)
        nn.init.zeros_(linear.bias)
        layers += [linear, nn.Tanh()]
        width = size
    head = nn.Linear(width, outputs)
    nn.init.orthogonal_(head.weight, gain=last_gain)
    nn.init.zeros_(head.bias)
    return nn.Sequential(*layers, head)


class Policy(nn.Module):
    """π(a|s) as logits over {0: idle, 1: flap}. The head's weights start near zero, so a new
    policy flaps with nearly the same probability `init_flap_prob` everywhere (set by the head's
    bias; 0.5 is the maximum entropy, ln 2)."""

    def __init__(self, observation_size: int = 8, hidden: tuple[int, ...] = (64, 64),
                 init_flap_prob: float = 0.5, input_scale: float = 1.0):
        super().__init__()
        # The observation is normalized by the screen's size, but the decisions turn on a few
        # pixels: scaling the inputs up lets the first layer resolve them from the start.
        self.register_buffer("input_scale", torch.tensor(float(input_scale)))
        self.net = mlp(observation_size, hidden, 2, last_gain=0.01)
        with torch.no_grad():
            self.net[-1].bias[1] = float(np.log(init_flap_prob / (1 - init_flap_prob)))

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.net(observations * self.input_scale)

    def distribution(self, observations: torch.Tensor) -> Categorical:
        return Categorical(logits=self(observations))

    @torch.no_grad()
    def flap_probability(self, observations: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self(observations), dim=-1)[..., 1]


class ValueBaseline(nn.Module):
    """V(s), fitted by regression on Monte Carlo returns; used only as a baseline, never to
    bootstrap a return."""

    def __init__(self, observation_size: int = 8, hidden: tuple[int, ...] = (64, 64),
                 input_scale: float = 1.0):
        super().__init__()
        self.register_buffer("input_scale", torch.tensor(float(input_scale)))
        self.net = mlp(observation_size, hidden, 1, last_gain=1.0)

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.net(observations * self.input_scale).squeeze(-1)


class NumpyActor:
    """A snapshot of a `Policy`'s forward pass in numpy, for acting during rollouts: on the small
    batches of one frame it costs less than a torch call. Take a new snapshot after every
    update."""

    def __init__(self, policy: Policy):
        self.input_scale = np.float32(policy.input_scale)
        linears = [m for m in policy.net if isinstance(m, nn.Linear)]
        self.layers = [(m.weight.detach().cpu().numpy().T.copy(), m.bias.detach().cpu().numpy().copy())
                       for m in linears]

    def flap_probability(self, observations: np.ndarray) -> np.ndarray:
        h = observations * self.input_scale
        for weight, bias in self.layers[:-1]:
            h = np.tanh(h @ weight + bias)
        weight, bias = self.layers[-1]
        logits = h @ weight + bias
        return 1.0 / (1.0 + np.exp(logits[:, 0] - logits[:, 1]))
