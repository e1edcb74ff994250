"""The networks: a categorical policy over {idle, flap} and a state-value baseline, for the
feature observation (MLPs) or for pixel pairs (an MLP over a crop of the pair, the default, or
a small CNN); `make_networks` picks them for a `TrainConfig`. And the actors that query a
policy during rollouts (numpy snapshots of the MLPs)."""

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


class CategoricalPolicy(nn.Module):
    """π(a|s) from the logits `forward` gives over {0: idle, 1: flap}."""

    def distribution(self, observations: torch.Tensor) -> Categorical:
        return Categorical(logits=self(observations))

    @torch.no_grad()
    def flap_probability(self, observations: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self(observations), dim=-1)[..., 1]


def flap_bias(head: nn.Linear, init_flap_prob: float) -> None:
    with torch.no_grad():
        head.bias[1] = float(np.log(init_flap_prob / (1 - init_flap_prob)))


class Policy(CategoricalPolicy):
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
        flap_bias(self.net[-1], init_flap_prob)

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.net(observations * self.input_scale)


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


def conv_torso(shape: tuple[int, int, int]) -> tuple[nn.Sequential, int]:
    """Two strided convolutions over uint8 frames (channels, rows, cols), flattened; and the
    size of what they give."""
    channels, rows, cols = shape
    torso = nn.Sequential(nn.Conv2d(channels, 8, 4, stride=2, padding=1), nn.ReLU(),
                          nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten())
    return torso, 16 * -(-rows // 4) * -(-cols // 4)


class PixelPolicy(CategoricalPolicy):
    """π(a|s) over pixel pairs: a small CNN, then an MLP head that starts near-uniform at
    `init_flap_prob`, as `Policy` does."""

    def __init__(self, shape: tuple[int, int, int], hidden: tuple[int, ...] = (64,),
                 init_flap_prob: float = 0.5):
        super().__init__()
        torso, size = conv_torso(shape)
        head = mlp(size, hidden, 2, last_gain=0.01)
        flap_bias(head[-1], init_flap_prob)
        self.net = nn.Sequential(torso, head)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.net(frames.float() / 255.0)


class PixelValue(nn.Module):
    """V(s) over pixel pairs; a baseline only, like `ValueBaseline`."""

    def __init__(self, shape: tuple[int, int, int], hidden: tuple[int, ...] = (64,)):
        super().__init__()
        torso, size = conv_torso(shape)
        self.net = nn.Sequential(torso, mlp(size, hidden, 1, last_gain=1.0))

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.net(frames.float() / 255.0).squeeze(-1)


def scaled(cells: np.ndarray) -> np.ndarray:
    """uint8 cells as float32 in [0, 1]: numpy does this about 3x faster than torch's
    uint8 / 255.0 (a quarter of an early pixel update), to the same floats."""
    return cells.astype(np.float32) / np.float32(255)


class PixelCrop(nn.Module):
    """The cells of a pixel pair the MLP reads, scaled to [0, 1], as one vector: rows [`rows`)
    of columns [`past_columns`) of the frame a step ago (the bird's: the pipes move the same
    every step, so their past adds nothing), then of columns [`columns`) of the frame now (the
    bird and the next pipe, without the screen's right part that no decision needs yet).
    Vectors already cut (training draws only these cells, `PixelPairCut`) pass as they are."""

    def __init__(self, shape: tuple[int, int, int], columns: tuple[int, int],
                 rows: tuple[int, int] | None = None, past_columns: tuple[int, int] | None = None):
        super().__init__()
        _, height, width = shape
        self.rows = slice(*(rows or (0, height)))
        self.past, self.now = slice(*(past_columns or columns)), slice(*columns)
        self.size = sum(len(range(*self.rows.indices(height))) * len(range(*cols.indices(width)))
                        for cols in (self.past, self.now))

    def cut(self, frames):
        """The cells as uint8 vectors, from whole pairs (numpy or torch) or already cut ones."""
        if frames.ndim == 2:
            return frames
        n = len(frames)
        parts = (frames[:, 0, self.rows, self.past].reshape(n, -1),
                 frames[:, 1, self.rows, self.now].reshape(n, -1))
        return torch.cat(parts, 1) if isinstance(frames, torch.Tensor) else np.concatenate(parts, 1)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return torch.from_numpy(scaled(self.cut(frames).numpy()))


class PixelMLPPolicy(CategoricalPolicy):
    """π(a|s) over a crop of the pixel pair through a tanh MLP (`pixel_net="mlp"`): far cheaper
    than the CNN per step, so REINFORCE sees many more episodes in a minute (experiments/pixels)."""

    def __init__(self, shape: tuple[int, int, int], columns: tuple[int, int],
                 hidden: tuple[int, ...] = (64,), init_flap_prob: float = 0.5,
                 rows: tuple[int, int] | None = None, past_columns: tuple[int, int] | None = None):
        super().__init__()
        self.crop = PixelCrop(shape, columns, rows, past_columns)
        self.net = mlp(self.crop.size, hidden, 2, last_gain=0.01)
        flap_bias(self.net[-1], init_flap_prob)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.net(self.crop(frames))


class PixelMLPValue(nn.Module):
    """V(s) over the same crop; a baseline only."""

    def __init__(self, shape: tuple[int, int, int], columns: tuple[int, int],
                 hidden: tuple[int, ...] = (64,), rows: tuple[int, int] | None = None,
                 past_columns: tuple[int, int] | None = None):
        super().__init__()
        self.crop = PixelCrop(shape, columns, rows, past_columns)
        self.net = mlp(self.crop.size, hidden, 1, last_gain=1.0)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.net(self.crop(frames)).squeeze(-1)


#: The state baseline's V(s) (`baseline="state"`): the features' network, on the features.
STATE_VALUE_HIDDEN = (64, 64)


def make_networks(config) -> tuple[nn.Module, nn.Module]:
    """(policy, value baseline) for a `TrainConfig`, on its observation (the baseline on the
    game's features with `baseline="state"`)."""
    # The observation's V(s) is made even when the state's replaces it: its initialization draws
    # from torch's generator, so the state V's first weights stay those of the measured runs.
    policy, value = make_policy_and_value(config)
    if config.baseline == "state":
        value = ValueBaseline(8, STATE_VALUE_HIDDEN, config.input_scale)
    return policy, value


def make_policy_and_value(config) -> tuple[nn.Module, nn.Module]:
    if config.obs == "pixels":
        from flappy_pg.game.pixels import PixelPairs
        shape = PixelPairs(config.game).shape
        if config.pixel_net == "mlp":
            window = dict(columns=tuple(config.pixel_columns), rows=tuple(config.pixel_rows),
                          past_columns=tuple(config.pixel_past_columns))
            return (PixelMLPPolicy(shape, hidden=config.hidden,
                                   init_flap_prob=config.init_flap_prob, **window),
                    PixelMLPValue(shape, hidden=config.hidden, **window))
        return (PixelPolicy(shape, config.hidden, config.init_flap_prob),
                PixelValue(shape, config.hidden))
    return (Policy(8, config.hidden, config.init_flap_prob, config.input_scale),
            ValueBaseline(8, config.hidden, config.input_scale))


class TorchActor:
    """Acting with the torch network itself (a CNN has no numpy snapshot)."""

    def __init__(self, policy: CategoricalPolicy):
        self.policy = policy

    def flap_probability(self, observations: np.ndarray) -> np.ndarray:
        batch = torch.from_numpy(np.ascontiguousarray(observations))
        return self.policy.flap_probability(batch).numpy()


def actor_for(policy: CategoricalPolicy):
    """The fastest actor for a policy: a numpy snapshot of an MLP, or the network itself."""
    if isinstance(policy, Policy):
        return NumpyActor(policy)
    if isinstance(policy, PixelMLPPolicy):
        return NumpyPixelActor(policy)
    return TorchActor(policy)


class NumpyActor:
    """A snapshot of a `Policy`'s forward pass in numpy, for acting during rollouts: on the small
    batches of one frame it costs less than a torch call. Take a new snapshot after every
    update."""

    def __init__(self, policy: Policy):
        self.input_scale = np.float32(policy.input_scale)
        self.layers = numpy_layers(policy)

    def flap_probability(self, observations: np.ndarray) -> np.ndarray:
        return self.from_first_layer((observations * self.input_scale) @ self.layers[0][0])

    def from_first_layer(self, products: np.ndarray) -> np.ndarray:
        """The flap probability from the inputs' products with the first layer's weights."""
        h = np.tanh(products + self.layers[0][1])
        for weight, bias in self.layers[1:-1]:
            h = np.tanh(h @ weight + bias)
        weight, bias = self.layers[-1]
        logits = h @ weight + bias
        return 1.0 / (1.0 + np.exp(logits[:, 0] - logits[:, 1]))


def numpy_layers(policy: nn.Module) -> list[tuple[np.ndarray, np.ndarray]]:
    """(weight as inputs x outputs, bias) of each linear layer of `policy.net`, copied."""
    linears = [m for m in policy.net if isinstance(m, nn.Linear)]
    return [(m.weight.detach().cpu().numpy().T.copy(), m.bias.detach().cpu().numpy().copy())
            for m in linears]


class NumpyPixelActor(NumpyActor):
    """The same snapshot for a `PixelMLPPolicy`: crop, scale and flatten the frames in numpy."""

    def __init__(self, policy: PixelMLPPolicy):
        self.layers = numpy_layers(policy)
        self.cut = policy.crop.cut

    def flap_probability(self, observations: np.ndarray) -> np.ndarray:
        return self.from_first_layer(self.first_layer_products(observations))

    def first_layer_products(self, observations: np.ndarray) -> np.ndarray:
        return scaled(self.cut(observations)) @ self.layers[0][0]
