"""Draws any game state with pygame: a window (`human`) or an RGB array (`rgb_array`).

The renderer reads only the core's state (bird `y`, `vel`, frame `t`, pipe `key`, `score`) and the
core's rules for where pipes are, so what is drawn is exactly what the physics simulates: the
pipes' boxes and the bird's sprite (or with `bird_shape="box"` its box) are what the crash test
uses.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from flappy_pg.game.config import GameConfig
from flappy_pg.game.core import Physics, ScalarOps
from flappy_pg.render.art import assets_dir
from flappy_pg.render.devices import NoDisplayError, open_display

HEADLESS_FRAMES = 300  # what a recording without a screen keeps when no --frames is given: 10 s
WING_CYCLE = (0, 1, 2, 1)  # wing frame changes every 3 frames, as in the original
TILT_STEP = 5  # degrees between pre-rotated bird sprites


def tilt(vel: float) -> float:
    """The bird's drawn angle: nose up (+20) while rising, diving to -90 as it falls faster."""
    return max(-90.0, min(20.0, 20.0 - max(0.0, vel + 2.0) * 9.0))


LABEL_ABOVE = 16  # a bird's label's top above the bird's top, in screen pixels
LABEL_HEIGHT = 16  # a line of the small font (13 px), its outline and a gap


class Renderer:
    """Draws frames of one game config. `window=True` opens a window paced at `fps`;
    `on_screen` says whether anyone can see it (False when SDL found no display)."""

    def __init__(self, config: GameConfig, window: bool = False, fps: int = 30,
                 title: str = "flappy-pg", side_panel: int = 0, exact_pacing: bool = True):
        import pygame
        self.pg = pygame
        self.config = config
        self.physics = Physics(config, ScalarOps)
        self.size = (config.screen_width, config.screen_height)
        self.window = window
        self.fps = fps
        # Exact pacing spins a core while it waits for the next frame; a window beside a
        # training (`train --watch`) sleeps instead and leaves the CPU to it.
        self.exact_pacing = exact_pacing
        self.on_screen = False
        pygame.font.init()
        if window:
            self.on_screen = open_display(pygame)
            pygame.display.set_caption(title)
            self.display = pygame.display.set_mode((self.size[0] + side_panel, self.size[1]))
            self.clock = pygame.time.Clock()
        # A surface beside the game in the window (the live curve of `train --watch`); it is
        # not part of a recorded frame.
        self.panel = pygame.Surface((side_panel, self.size[1])) if side_panel else None
        # Frames are drawn on a 24-bit RGB canvas whose memory is exactly an H x W x 3 array,
        # so reading a frame out is one copy.
        self.surface = pygame.Surface(self.size, 0, 24, masks=(0xFF, 0xFF00, 0xFF0000, 0))
        assert self.surface.get_pitch() == 3 * self.size[0], "screen width must be a multiple of 4"
        self.sprites = self._load(assets_dir())
        self.font = pygame.font.Font(None, 22)
        self.small_font = pygame.font.Font(None, 18)
        self._ghosts: dict = {}
        self._texts: dict = {}

    def _opaque(self, image):
        """A copy of an opaque image in the canvas' pixel format (fast to blit)."""
        surface = self.pg.Surface(image.get_size(), 0, self.surface)
        surface.blit(image, (0, 0))
        return surface

    def _load(self, folder: Path) -> dict:
        pg = self.pg
        load = lambda name: pg.image.load(str(folder / f"{name}.png"))  # noqa: E731
        pipe = self._opaque(load("pipe"))
        background = load("background")
        if background.get_size() != self.size:
            background = pg.transform.scale(background, self.size)
        sprites = {name: load(name) for name in ("get_ready", "game_over")}
        sprites["background"] = pg.image.tobytes(self._opaque(background), "RGB")
        sprites["ground"] = self._opaque(load("ground"))
        sprites["pipe"], sprites["pipe_upper"] = pipe, pg.transform.flip(pipe, False, True)
        sprites["digits"] = [load(f"digit{i}") for i in range(10)]
        birds = [load(f"bird{i}") for i in range(3)]
        # Rotating every frame is slow: keep each wing frame at every TILT_STEP degrees.
        sprites["birds"] = {(w, a): pg.transform.rotate(birds[w], a)
                            for w in range(3) for a in range(-90, 21, TILT_STEP)}
        return sprites

    # -- pieces of a frame ------------------------------------------------------------------
    def draw_world(self, t: int, key: int, y: float | None = None, vel: float = 0.0,
                   pipes: bool = True) -> None:
        """Sky, pipes, ground and bird at frame `t` (no bird when `y` is None)."""
        c, p, s, blit = self.config, self.physics, self.sprites, self.surface.blit
        self.surface.get_buffer().write(s["background"])  # a plain copy: faster than a blit
        if pipes:
            index = max(0, p.next_pipe(t) - 1)
            while (x := p.pipe_x(t, index)) < c.screen_width:
                gap = p.gap_top(key, index)
                blit(s["pipe_upper"], (x, gap - s["pipe_upper"].get_height()))
                blit(s["pipe"], (x, gap + c.pipe_gap))
                index += 1
        shift = s["ground"].get_width() - c.screen_width
        blit(s["ground"], (-((t * c.pipe_speed) % max(shift, 1)), int(c.ground_y)))
        if y is not None:
            self.draw_bird(y, vel, t)

    def draw_bird(self, y: float, vel: float, t: int) -> None:
        c = self.config
        angle = int(round(tilt(vel) / TILT_STEP)) * TILT_STEP
        sprite = self.sprites["birds"][(WING_CYCLE[(t // 3) % 4], angle)]
        centre = (c.bird_x + c.bird_width / 2, y + c.bird_height / 2)
        self.surface.blit(sprite, sprite.get_rect(center=centre))

    def draw_ghost(self, y: float, vel: float, t: int, tint: tuple[int, int, int],
                   alpha: int = 140, label: str = "", x: float | None = None) -> None:
        """A bird drawn translucent in `tint`, with a small label above it (a race's other
        birds; `x` the left edge, the bird's own column by default)."""
        c = self.config
        angle = int(round(tilt(vel) / TILT_STEP)) * TILT_STEP
        wing = WING_CYCLE[(t // 3) % 4]
        key = (tint, alpha, wing, angle)
        sprite = self._ghosts.get(key)
        if sprite is None:
            sprite = self.sprites["birds"][(wing, angle)].copy()
            sprite.fill((*tint, 255), special_flags=self.pg.BLEND_RGBA_MULT)
            sprite.set_alpha(alpha)
            self._ghosts[key] = sprite
        left = c.bird_x if x is None else x
        centre = (left + c.bird_width / 2, y + c.bird_height / 2)
        self.surface.blit(sprite, sprite.get_rect(center=centre))
        if label:
            self.draw_tag(label, centre[0], y - LABEL_ABOVE, tint)

    def text(self, font, text: str, colour):
        """`text` rendered in `font` and `colour`, kept for the next frames (labels and overlays
        repeat from frame to frame; rendering them anew was most of a window's text cost)."""
        key = (id(font), text, tuple(colour))
        surface = self._texts.get(key)
        if surface is None:
            if len(self._texts) > 512:
                self._texts.clear()
            surface = self._texts[key] = font.render(text, True, colour)
        return surface

    def draw_tag(self, text: str, centre_x: float, y: float, colour) -> None:
        """A short text centred at `centre_x`, with a dark outline so it reads on sky and pipe."""
        small = self.small_font
        shadow, face = self.text(small, text, (0, 0, 0)), self.text(small, text, colour)
        x = int(centre_x - face.get_width() / 2)
        x = max(2, min(x, self.config.screen_width - face.get_width() - 2))  # kept on screen
        for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            self.surface.blit(shadow, (x + dx, int(y) + dy))
        self.surface.blit(face, (x, int(y)))

    def draw_crash_marker(self, x: float, y: float, colour, text: str) -> None:
        """An X where a bird fell (`x`, `y`: its box's top left), with its final score."""
        c = self.config
        cx, cy = x + c.bird_width / 2, y + c.bird_height / 2
        for sx, sy in ((-1, -1), (1, -1)):
            self.pg.draw.line(self.surface, (0, 0, 0), (cx - 7 * sx, cy - 7 * sy),
                              (cx + 7 * sx, cy + 7 * sy), 5)
            self.pg.draw.line(self.surface, colour, (cx - 7 * sx, cy - 7 * sy),
                              (cx + 7 * sx, cy + 7 * sy), 3)
        self.draw_tag(text, cx, cy - 24, colour)

    def draw_observation(self, frame: np.ndarray, scale: int = 2, label: str = "") -> None:
        """A pixel observation (rows x cols of 0-255 levels) scaled up in the top-right corner,
        framed, with a label under it: what a pixel policy is fed."""
        rows, cols = frame.shape
        grey = np.repeat(np.repeat(frame, scale, axis=0), scale, axis=1)
        rgb = np.ascontiguousarray(np.stack([grey] * 3, axis=-1).transpose(1, 0, 2))
        image = self.pg.surfarray.make_surface(rgb)
        x, y = self.config.screen_width - cols * scale - 6, 6
        self.pg.draw.rect(self.surface, (255, 255, 255), (x - 2, y - 2, cols * scale + 4,
                                                          rows * scale + 4), 2)
        self.surface.blit(image, (x, y))
        if label:
            self.draw_tag(label, x + cols * scale / 2, y + rows * scale + 4, (255, 255, 255))

    def draw_score(self, score: int, y: int = 40) -> None:
        digits = [self.sprites["digits"][int(d)] for d in str(score)]
        x = (self.config.screen_width - sum(d.get_width() for d in digits)) // 2
        for d in digits:
            self.surface.blit(d, (x, y))
            x += d.get_width()

    def draw_centred(self, name: str, y: int) -> None:
        sprite = self.sprites[name]
        self.surface.blit(sprite, ((self.config.screen_width - sprite.get_width()) // 2, y))

    def draw_panel(self, lines: list[str], y: int) -> None:
        """A rounded panel of text lines, centred horizontally."""
        pg = self.pg
        texts = [self.font.render(line, True, (84, 56, 71)) for line in lines]
        width = max(t.get_width() for t in texts) + 28
        height = sum(t.get_height() + 6 for t in texts) + 18
        rect = pg.Rect((self.config.screen_width - width) // 2, y, width, height)
        pg.draw.rect(self.surface, (84, 56, 71), rect.inflate(4, 4), border_radius=8)
        pg.draw.rect(self.surface, (222, 216, 149), rect, border_radius=8)
        ty = y + 12
        for text in texts:
            self.surface.blit(text, ((self.config.screen_width - text.get_width()) // 2, ty))
            ty += text.get_height() + 6

    def draw_overlay(self, lines: list[str], colours: list | None = None, y: int = 6) -> None:
        """Small text at the left, from `y` down (the agent's overlay in `watch` at the top, a
        race's scoreboard on the ground), each line white or in its colour."""
        texts = [self.text(self.font, line, colours[i] if colours and i < len(colours)
                                  else (255, 255, 255)) for i, line in enumerate(lines) if line]
        if not texts:
            return
        # A translucent dark backdrop, so the text reads over sky, pipes and ground alike.
        backdrop = self.pg.Surface((max(t.get_width() for t in texts) + 10,
                                    sum(t.get_height() + 2 for t in texts) + 4), self.pg.SRCALPHA)
        backdrop.fill((0, 0, 0, 120))
        self.surface.blit(backdrop, (1, y - 2))
        for text in texts:
            self.surface.blit(text, (6, y))
            y += text.get_height() + 2

    # -- whole frames -----------------------------------------------------------------------
    def draw(self, game, crashed: bool = False):
        """A full frame of a game state (anything with y, vel, t, key, score): the env's frame."""
        self.draw_world(game.t, game.key, game.y, game.vel)
        self.draw_score(int(game.score))
        if crashed:
            self.draw_centred("game_over", 150)
        return self.present()

    def present(self):
        """Show the frame (window, paced at fps) and return it as an H x W x 3 uint8 array."""
        if self.window:
            self.pg.event.pump()
            self.display.blit(self.surface, (0, 0))
            if self.panel is not None:
                self.display.blit(self.panel, (self.size[0], 0))
            self.pg.display.flip()
            # An invisible window (a headless recording) is not paced: it runs flat out.
            if self.on_screen and self.exact_pacing:  # exactly `fps`, not "at most"
                self.clock.tick_busy_loop(self.fps)
            elif self.on_screen:  # at most `fps`, sleeping between frames
                self.clock.tick(self.fps)
            return None
        return self.frame()

    def show(self, recorder=None) -> None:
        """Present the frame in the window, and add it to `recorder` (a `Recorder`) if given."""
        if recorder is not None:
            recorder.add(self.frame())
        self.present()

    def frame(self) -> np.ndarray:
        """The current frame as an H x W x 3 uint8 array."""
        width, height = self.size
        return np.frombuffer(self.surface.get_buffer(), np.uint8).reshape(height, width, 3).copy()

    def frame_limit(self, record: str | None, frames: int | None, echo=print) -> int | None:
        """How many frames a window loop may show. With no screen a window shows nobody
        anything: that is an error unless the frames are recorded, and then a recording without
        `frames` keeps HEADLESS_FRAMES of them."""
        if not self.window or self.on_screen:
            return frames
        if not record:
            self.close()
            raise NoDisplayError("no display")
        if frames is None:
            frames = HEADLESS_FRAMES
            echo(f"no display: recording {frames} frames ({frames // 30} s) into {record} "
                 f"without a window (--frames sets how many)")
        return frames

    def close(self) -> None:
        if self.window:
            self.pg.display.quit()
