"""The pixel MLP's speed paths, beside the plain algorithm and held equal to it by tests:

- the training games draw only the cells the MLP reads (`training_observer`; drawing and storing
  the rest took a fifth of the time on long episodes);
- its actor computes the first layer's products from the frames' layouts (`PatternProducts`):
  each frame column is one of a few patterns, so the product of a frame is a sum of one
  precomputed product per column, plus the bird's few cells, instead of a dense product over
  every cell (equal to it within float32 rounding);
- the actor keeps those products (`ProductKeepingActor`), and the update reuses them
  (`logits_with_products`), so the batch's largest product is never computed densely in the
  forward pass (experiments/pixels).
"""

from __future__ import annotations

import numpy as np
import torch

from flappy_pg.agents.reinforce.algorithm import at_complete_steps
from flappy_pg.agents.reinforce.config import TrainConfig
from flappy_pg.agents.reinforce.networks import NumpyPixelActor, PixelMLPPolicy, actor_for, scaled
from flappy_pg.agents.rollout import Episodes
from flappy_pg.envs.single import observation_setup
from flappy_pg.game.pixels import FrameLayout, PixelPairCut


class LayoutKeepingCut(PixelPairCut):
    """A `PixelPairCut` that keeps the layouts of the frames it drew last (`last`), for
    `PatternProducts`."""

    def of_batch(self, games) -> np.ndarray:
        self.last = self.layouts(games)
        return self.draw_layouts(*self.last)


class LayoutCodes(LayoutKeepingCut):
    """Training observations that are the frames' layouts, not their cells: per game the past
    window's pattern per column, the present window's, then the bird's top and height in each
    (int16, 44 numbers against 2,560 cells). The actor's products (`PatternProducts`) and the
    update's gradient (`KnownProducts`) are computed from them; `cells` draws the cells."""

    def of_batch(self, games) -> np.ndarray:
        self.last = past, now = self.layouts(games)
        return np.concatenate([past.pattern, now.pattern, past.top[:, None], past.height[:, None],
                               now.top[:, None], now.height[:, None]], axis=1).astype(np.int16)

    def decode(self, codes: np.ndarray) -> tuple[FrameLayout, FrameLayout]:
        cp = self.past.shape[1]
        cn = self.now.shape[1]
        codes = codes.astype(np.intp)
        tail = codes[:, cp + cn:]
        return (FrameLayout(codes[:, :cp], tail[:, 0].astype(np.int16), tail[:, 1].astype(np.int16)),
                FrameLayout(codes[:, cp:cp + cn], tail[:, 2].astype(np.int16),
                            tail[:, 3].astype(np.int16)))

    def cells(self, codes: np.ndarray) -> np.ndarray:
        """The cells (as `PixelPairCut.of_batch` draws them) of encoded observations."""
        return self.draw_layouts(*self.decode(codes))


def training_observer(config: TrainConfig):
    """What the training games draw each step: the envs' observation, or for the pixel MLP only
    the cells it reads, or (with no V(s) to fit on them) only their layouts (`LayoutCodes`)."""
    if config.obs == "pixels" and config.pixel_net == "mlp":
        kind = LayoutKeepingCut if config.baseline == "value" else LayoutCodes
        return kind(config.game, tuple(config.pixel_columns), tuple(config.pixel_rows),
                    tuple(config.pixel_past_columns))
    return observation_setup(config.obs_type, config.game, np)[1]


class PatternProducts:
    """The first layer's products with the cells of a `PixelPairCut`, from the frames' layouts.
    Per window column and pattern, the product of that column's cells is computed once per
    policy snapshot; a frame's product is then the sum of its columns' (a lookup each), plus,
    where the bird's block covers a cell, that cell's weights times the difference it makes."""

    def __init__(self, cut: PixelPairCut, weight: np.ndarray):
        self.cut = cut
        height = len(range(*cut.rows.indices(cut.now.shape[0])))
        self.windows = []
        start = 0
        for frames in (cut.past, cut.now):
            cols = frames.shape[1]
            # the cut is row-major per window: cell (row, col) at start + row * cols + col
            block = weight[start:start + height * cols].reshape(height, cols, -1)
            cells = scaled(frames.patterns[:, cut.rows])  # patterns x rows, as the MLP reads them
            table = np.einsum("gr,rch->cgh", cells, block)  # column, pattern -> product
            self.windows.append((frames, block, table))
            start += height * cols
        self.first_row = cut.rows.indices(cut.now.shape[0])[0]

    def __call__(self, layouts) -> np.ndarray:
        total = None
        for (frames, block, table), layout in zip(self.windows, layouts):
            cols = np.arange(table.shape[0])
            products = table[cols, layout.pattern].sum(axis=1)
            products += self.bird_difference(frames, block, layout)
            total = products if total is None else total + products
        return total

    def bird_difference(self, frames, block, layout) -> np.ndarray:
        """What the bird's cells add: each covered cell reads 1.0 instead of its pattern's."""
        cols, local, change = self.bird_cover(frames, layout, block.shape[0])
        n = len(layout.top)
        if not len(cols) or not local.shape[1]:
            return np.zeros((n, block.shape[2]), dtype=np.float32)
        weights = block[local[:, None, :], cols[None, :, None]]  # N x columns x T x outputs
        return np.matmul(change.reshape(n, 1, -1), weights.reshape(n, -1, block.shape[2]))[:, 0]

    def bird_cover(self, frames, layout, height: int):
        """The bird's columns of the window, the cut's row of each of the bird block's cells
        (N x T) and how much each cell of each column changes (N x columns x T: 1 - its
        pattern's value, 0 where the cell lies outside the cut)."""
        tallest = int(layout.height.max()) if len(layout.height) else 0
        rows = layout.top[:, None].astype(np.intp) + np.arange(tallest)  # frame rows, N x tallest
        local = rows - self.first_row  # rows of the cut
        inside = (np.arange(tallest) < layout.height[:, None]) & (local >= 0) & \
            (local < height) & (rows >= 0) & (rows < frames.shape[0])
        local, rows = np.where(inside, local, 0), np.where(inside, rows, 0)
        cols = np.arange(*frames.bird_columns.indices(frames.shape[1]))
        pattern_cells = frames.patterns[layout.pattern[:, cols][:, :, None], rows[:, None, :]]
        return cols, local, (np.float32(1) - scaled(pattern_cells)) * inside[:, None, :]

    def weight_gradient(self, layouts, grad: torch.Tensor) -> torch.Tensor:
        """The first layer's weight gradient (outputs x inputs) for the cells the layouts draw,
        given the gradient of the products (`grad`, N x outputs): per column, the gradient is
        summed per pattern, then spread over that pattern's cells; the bird's cells add theirs."""
        parts = []
        for (frames, block, _), layout in zip(self.windows, layouts):
            height, cols = block.shape[:2]
            sums = torch.zeros(cols, len(frames.patterns), grad.shape[1])
            pattern = torch.from_numpy(layout.pattern)
            for col in range(cols):
                sums[col].index_add_(0, pattern[:, col], grad)
            cells = torch.from_numpy(scaled(frames.patterns[:, self.cut.rows]))
            block_grad = torch.einsum("gr,cgh->rch", cells, sums).reshape(height * cols, -1)
            self.add_bird_gradient(block_grad, frames, layout, grad, height, cols)
            parts.append(block_grad)
        return torch.cat(parts).T

    def add_bird_gradient(self, block_grad: torch.Tensor, frames, layout, grad: torch.Tensor,
                          height: int, cols: int) -> None:
        """Add the bird's cells' share to a window's gradient (its (row, column) cells x
        outputs): per block of steps, each step's changes are scattered onto the window's rows
        under the bird (steps x rows x bird columns), then one product with the steps' gradient
        sums them per cell."""
        grid = block_grad.view(height, cols, -1)
        for start in range(0, len(layout.top), KnownProducts.ROWS):
            part = FrameLayout(layout.pattern[start:start + KnownProducts.ROWS],
                               layout.top[start:start + KnownProducts.ROWS],
                               layout.height[start:start + KnownProducts.ROWS])
            bird_cols, local, change = self.bird_cover(frames, part, height)
            if not len(bird_cols) or not local.shape[1]:
                continue
            n, width = len(part.top), len(bird_cols)
            spread = torch.zeros(n * height * width)
            at = (np.arange(n)[:, None, None] * height + local[:, None, :]) * width + \
                np.arange(width)[None, :, None]  # step, row, bird column of each change
            spread.index_put_((torch.from_numpy(at.reshape(-1)),),
                              torch.from_numpy(change.reshape(-1)), accumulate=True)
            sums = spread.view(n, height * width).T @ grad[start:start + n]
            grid[:, bird_cols] += sums.view(height, width, -1)


class ProductKeepingActor(NumpyPixelActor):
    """A `NumpyPixelActor` that keeps each call's first-layer products (`first_layer`, one array
    per call, in the order played); with the `observer` that drew the observations (a
    `LayoutKeepingCut`), it computes them from the frames' layouts (`PatternProducts`)."""

    def __init__(self, policy: PixelMLPPolicy, observer: LayoutKeepingCut | None = None):
        super().__init__(policy)
        self.first_layer: list[np.ndarray] = []
        self.observer = observer
        self.patterns = PatternProducts(observer, self.layers[0][0]) if observer else None

    def first_layer_products(self, observations: np.ndarray) -> np.ndarray:
        if self.patterns is not None:
            products = self.patterns(self.observer.last)
            assert len(products) == len(observations), "the observer drew other frames"
        else:
            products = super().first_layer_products(observations)
        self.first_layer.append(products)
        return products


def training_actor(policy: torch.nn.Module, observer=None):
    """The actor training plays with: one that keeps its products for a pixel MLP (computed
    from the layouts when the `observer` keeps them), else the fastest (`actor_for`)."""
    if isinstance(policy, PixelMLPPolicy):
        return ProductKeepingActor(policy, observer if isinstance(observer, LayoutKeepingCut)
                                   else None)
    return actor_for(policy)


class KnownProducts(torch.autograd.Function):
    """x @ W.T for the uint8 `cells` x (scaled as `PixelCrop` does), given already computed
    (`products`), with its gradient for W; x's gradient is never needed (the inputs are pixels).
    The gradient converts the cells to floats a block of rows at a time: a late batch's floats
    would take most of a gigabyte, allocated anew each update."""

    ROWS = 4096

    @staticmethod
    def forward(ctx, cells, weight, products, codes=None):
        ctx.save_for_backward(cells)
        ctx.codes = codes
        return products.clone()

    @staticmethod
    def backward(ctx, grad):
        (cells,) = ctx.saved_tensors
        if ctx.codes is not None:  # `cells` are `LayoutCodes`: the gradient from the layouts
            observer, patterns = ctx.codes
            return None, patterns.weight_gradient(observer.decode(cells.numpy()), grad), None, None
        cells = cells.numpy()
        weight_grad = torch.zeros(grad.shape[1], cells.shape[1])
        for start in range(0, len(cells), KnownProducts.ROWS):
            block = torch.from_numpy(scaled(cells[start:start + KnownProducts.ROWS]))
            weight_grad.addmm_(grad[start:start + KnownProducts.ROWS].T, block)
        return None, weight_grad, None, None


def logits_with_products(policy: PixelMLPPolicy, frames: torch.Tensor, products: torch.Tensor,
                         codes: tuple | None = None) -> torch.Tensor:
    """The pixel MLP's logits, given its first layer's products with these frames' cells as
    computed with the same weights: only their gradient is computed here. With `codes`
    (a `LayoutCodes` observer and the `PatternProducts` of its actor), `frames` are its codes."""
    first = policy.net[0]
    cells = frames if codes is not None else policy.crop.cut(frames)
    hidden = KnownProducts.apply(cells, first.weight, products, codes) + first.bias
    return policy.net[1:](hidden)


def kept_products(actor: ProductKeepingActor, rounds: list[Episodes], tail: int) -> torch.Tensor:
    """The actor's products at the steps the update uses: those of `complete_steps`, in the
    order the rounds recorded them (as `Episodes.observations_at`)."""
    return torch.from_numpy(at_complete_steps(actor.first_layer, rounds, tail))


def batch_logits(policy: torch.nn.Module, observations: torch.Tensor, actor,
                 rounds: list[Episodes], tail: int,
                 subset: torch.Tensor | None = None) -> torch.Tensor:
    """The policy's logits at the batch's observations: from the products a
    `ProductKeepingActor` kept, or by the plain forward pass. With a `subset` (the batch's
    steps the update uses), `observations` are those steps' only."""
    if isinstance(actor, ProductKeepingActor):
        codes = ((actor.observer, actor.patterns) if isinstance(actor.observer, LayoutCodes)
                 else None)
        products = kept_products(actor, rounds, tail)
        if subset is not None:
            products = products[subset]
        return logits_with_products(policy, observations, products, codes)
    return policy(observations)
