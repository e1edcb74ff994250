"""The pixel MLP's speed paths, beside the plain algorithm and held equal to it by tests:

- the training games draw only the cells the MLP reads (`training_observer`; drawing and storing
  the rest took a fifth of the time on long episodes);
- its actor keeps the products of the cells with the first layer's weights it computed while
  acting (`ProductKeepingActor`), and the update reuses them (`logits_with_products`), so the
  batch's largest product is computed once instead of twice (experiments/pixels).
"""

from __future__ import annotations

import numpy as np
import torch

from flappy_pg.agents.reinforce.algorithm import complete_steps
from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.reinforce.networks import NumpyPixelActor, PixelMLPPolicy, actor_for, scaled
from flappy_pg.agents.rollout import Episodes
from flappy_pg.envs.single import observation_setup


def training_observer(config: TrainConfig):
    """What the training games draw each step: the envs' observation, or for the pixel MLP only
    the cells it reads."""
    if config.obs == "pixels" and config.pixel_net == "mlp":
        from flappy_pg.game.pixels import PixelPairCut
        return PixelPairCut(config.game, tuple(config.pixel_columns), tuple(config.pixel_rows),
                            tuple(config.pixel_past_columns))
    return observation_setup(config.obs_type, config.game, np)[1]


class ProductKeepingActor(NumpyPixelActor):
    """A `NumpyPixelActor` that keeps each call's first-layer products (`first_layer`, one array
    per call, in the order played)."""

    def __init__(self, policy: PixelMLPPolicy):
        super().__init__(policy)
        self.first_layer: list[np.ndarray] = []

    def first_layer_products(self, observations: np.ndarray) -> np.ndarray:
        products = super().first_layer_products(observations)
        self.first_layer.append(products)
        return products


def training_actor(policy: torch.nn.Module):
    """The actor training plays with: one that keeps its products for a pixel MLP, else the
    fastest (`actor_for`)."""
    if isinstance(policy, PixelMLPPolicy):
        return ProductKeepingActor(policy)
    return actor_for(policy)


class KnownProducts(torch.autograd.Function):
    """x @ W.T for the uint8 `cells` x (scaled as `PixelCrop` does), given already computed
    (`products`), with its gradient for W; x's gradient is never needed (the inputs are pixels).
    The gradient converts the cells to floats a block of rows at a time: a late batch's floats
    would take most of a gigabyte, allocated anew each update."""

    ROWS = 4096

    @staticmethod
    def forward(ctx, cells, weight, products):
        ctx.save_for_backward(cells)
        return products.clone()

    @staticmethod
    def backward(ctx, grad):
        (cells,) = ctx.saved_tensors
        cells = cells.numpy()
        weight_grad = torch.zeros(grad.shape[1], cells.shape[1])
        for start in range(0, len(cells), KnownProducts.ROWS):
            block = torch.from_numpy(scaled(cells[start:start + KnownProducts.ROWS]))
            weight_grad.addmm_(grad[start:start + KnownProducts.ROWS].T, block)
        return None, weight_grad, None


def logits_with_products(policy: PixelMLPPolicy, frames: torch.Tensor,
                         products: torch.Tensor) -> torch.Tensor:
    """The pixel MLP's logits, given its first layer's products with these frames' cells as
    computed with the same weights: only their gradient is computed here."""
    first = policy.net[0]
    cells = policy.crop.cut(frames)
    hidden = KnownProducts.apply(cells, first.weight, products) + first.bias
    return policy.net[1:](hidden)


def kept_products(actor: ProductKeepingActor, rounds: list[Episodes], tail: int) -> torch.Tensor:
    """The actor's products at the steps the update uses: those of `complete_steps`, in the
    order the rounds recorded them (as `Episodes.observations_at`)."""
    kept = np.concatenate([complete_steps(r, tail)[r.mask] for r in rounds])
    products = np.concatenate(actor.first_layer)
    assert len(products) == len(kept), "the actor was called outside the batch's rounds"
    return torch.from_numpy(products[kept])


def batch_logits(policy: torch.nn.Module, observations: torch.Tensor, actor,
                 rounds: list[Episodes], tail: int) -> torch.Tensor:
    """The policy's logits at the batch's observations: from the products a
    `ProductKeepingActor` kept, or by the plain forward pass."""
    if isinstance(actor, ProductKeepingActor):
        return logits_with_products(policy, observations, kept_products(actor, rounds, tail))
    return policy(observations)
