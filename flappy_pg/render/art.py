"""Generates our own sprites (PNG) and sounds (WAV) into `assets/`; the results are committed.

Run `python -m flappy_pg.render.art` to make them again. Everything is drawn here from shapes and
synthesized from sine waves: no file of the original game is used. Sizes are the classic ones:
bird 34x24 (3 wing frames), pipe 52x320, ground 336x112, background 288x512, digits 24x36.
"""

from __future__ import annotations

import math
import wave
from pathlib import Path

import numpy as np

from flappy_pg.paths import REPO, shipped, user_data_dir

ASSETS = REPO / "assets"  # the repository's assets/

SKY = (78, 192, 202)
OUTLINE = (84, 56, 71)
WHITE = (250, 250, 250)


def _pygame():
    import pygame
    return pygame


def background(pg):
    s = pg.Surface((288, 512))
    s.fill(SKY)
    for cx, cy, r in [(20, 330, 28), (60, 320, 34), (110, 335, 26), (150, 318, 38),
                      (205, 330, 30), (250, 316, 36), (290, 330, 28)]:
        pg.draw.circle(s, (232, 250, 242), (cx, cy), r)  # clouds
    rng = np.random.default_rng(7)
    x = 0
    while x < 288:  # a skyline of our own
        w, h = int(rng.integers(14, 30)), int(rng.integers(30, 75))
        pg.draw.rect(s, (164, 222, 200), (x, 400 - h, w, h))
        for wy in range(400 - h + 5, 394, 8):
            for wx in range(x + 3, x + w - 3, 6):
                pg.draw.rect(s, (206, 240, 226), (wx, wy, 3, 4))
        x += w + 2
    for cx in range(0, 300, 22):  # bushes
        pg.draw.circle(s, (94, 200, 94), (cx, 402), 16)
        pg.draw.circle(s, (120, 218, 110), (cx + 5, 398), 8)
    return s


def pipe(pg):
    s = pg.Surface((52, 320), pg.SRCALPHA)
    body = (116, 191, 46)
    for x in range(52):  # shading across the pipe, lit from the left
        shade = 1.25 - 0.55 * abs(x - 14) / 38
        c = tuple(min(255, int(v * shade)) for v in body)
        pg.draw.line(s, c, (x, 0), (x, 319))
    pg.draw.rect(s, OUTLINE, (0, 0, 52, 320), 2)
    pg.draw.rect(s, OUTLINE, (0, 0, 52, 24), 2)  # the lip
    pg.draw.line(s, (200, 240, 140), (5, 3), (5, 20), 2)
    pg.draw.line(s, (200, 240, 140), (5, 27), (5, 316), 2)
    return s


def ground(pg):
    s = pg.Surface((336, 112))
    s.fill((222, 216, 149))
    pg.draw.rect(s, (115, 190, 46), (0, 0, 336, 16))
    for x in range(-24, 336, 12):  # diagonal stripes, period 12 so the strip loops seamlessly
        pg.draw.polygon(s, (156, 226, 88), [(x, 2), (x + 6, 2), (x + 14, 14), (x + 8, 14)])
    pg.draw.line(s, OUTLINE, (0, 0), (335, 0), 2)
    pg.draw.line(s, (82, 140, 30), (0, 16), (335, 16), 2)
    pg.draw.line(s, (200, 190, 120), (0, 19), (335, 19), 2)
    return s


def bird(pg, wing: int):
    s = pg.Surface((34, 24), pg.SRCALPHA)
    pg.draw.ellipse(s, OUTLINE, (0, 0, 34, 24))
    pg.draw.ellipse(s, (250, 200, 40), (2, 2, 30, 20))
    pg.draw.ellipse(s, (252, 232, 140), (4, 3, 18, 8))  # light back
    pg.draw.ellipse(s, OUTLINE, (18, 2, 12, 12))  # eye
    pg.draw.ellipse(s, WHITE, (19, 3, 10, 10))
    pg.draw.rect(s, OUTLINE, (25, 6, 3, 5))
    pg.draw.ellipse(s, OUTLINE, (21, 13, 13, 9))  # beak
    pg.draw.ellipse(s, (240, 100, 50), (22, 14, 11, 7))
    pg.draw.line(s, OUTLINE, (23, 17), (32, 17))
    wing_y = (7, 10, 13)[wing]  # up, middle, down
    pg.draw.ellipse(s, OUTLINE, (1, wing_y - 1, 16, 10))
    pg.draw.ellipse(s, (252, 246, 230), (2, wing_y, 14, 8))
    return s


# 5x7 pixel font for the digits, drawn 4x larger with an outline.
DIGITS = ["01110 10001 10001 10001 10001 10001 01110", "00100 01100 00100 00100 00100 00100 01110",
          "01110 10001 00001 00110 01000 10000 11111", "11110 00001 00001 01110 00001 00001 11110",
          "00010 00110 01010 10010 11111 00010 00010", "11111 10000 11110 00001 00001 10001 01110",
          "00110 01000 10000 11110 10001 10001 01110", "11111 00001 00010 00100 01000 01000 01000",
          "01110 10001 10001 01110 10001 10001 01110", "01110 10001 10001 01111 00001 00010 01100"]


def digit(pg, n: int):
    s = pg.Surface((24, 36), pg.SRCALPHA)
    rows = DIGITS[n].split()
    cells = [(x, y) for y, row in enumerate(rows) for x, v in enumerate(row) if v == "1"]
    for x, y in cells:
        pg.draw.rect(s, OUTLINE, (x * 4, y * 4 + 2, 8, 8))
    for x, y in cells:
        pg.draw.rect(s, WHITE, (x * 4 + 2, y * 4 + 4, 4, 4))
    return s


def title(pg, text: str, colour):
    font = pg.font.Font(None, 52)
    face = font.render(text, True, colour)
    edge = font.render(text, True, OUTLINE)
    s = pg.Surface((face.get_width() + 6, face.get_height() + 6), pg.SRCALPHA)
    for dx in range(7):
        for dy in range(7):
            s.blit(edge, (dx, dy))
    s.blit(face, (3, 3))
    return s


def tone(freqs, seconds, volume=0.4, rate=22050):
    """A short sound sliding through `freqs`, with a quick fade in and out."""
    n = int(seconds * rate)
    f = np.interp(np.linspace(0, 1, n), np.linspace(0, 1, len(freqs)), freqs)
    phase = 2 * math.pi * np.cumsum(f) / rate
    envelope = np.minimum(1, np.linspace(0, 40, n)) * np.linspace(1, 0, n) ** 1.5
    return volume * np.sin(phase) * envelope


def write_wav(path: Path, samples: np.ndarray, rate=22050):
    data = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes(data.tobytes())


def make_all(folder: Path = ASSETS) -> list[Path]:
    pg = _pygame()
    pg.font.init()
    folder.mkdir(parents=True, exist_ok=True)
    images = {"background": background(pg), "pipe": pipe(pg), "ground": ground(pg),
              "get_ready": title(pg, "Get Ready!", (250, 170, 60)),
              "game_over": title(pg, "Game Over", (250, 130, 50))}
    images.update({f"bird{i}": bird(pg, i) for i in range(3)})
    images.update({f"digit{i}": digit(pg, i) for i in range(10)})
    written = []
    for name, surface in images.items():
        pg.image.save(surface, str(folder / f"{name}.png"))
        written.append(folder / f"{name}.png")
    rng = np.random.default_rng(0)
    sounds = {"wing": tone([300, 700], 0.09, 0.3) + 0.05 * rng.standard_normal(int(0.09 * 22050)) *
              np.linspace(1, 0, int(0.09 * 22050)),
              "point": np.concatenate([tone([988], 0.08), tone([1319], 0.22)]),
              "hit": tone([220, 70], 0.25, 0.6) + 0.2 * rng.standard_normal(int(0.25 * 22050)) *
              np.linspace(1, 0, int(0.25 * 22050)) ** 3}
    for name, samples in sounds.items():
        write_wav(folder / f"{name}.wav", samples)
        written.append(folder / f"{name}.wav")
    return written



def assets_dir() -> Path:
    """The shipped sprites and sounds; should neither copy exist, they are generated once into
    the user's data folder."""
    folder = shipped("assets", "bird0.png")
    if (folder / "bird0.png").exists():
        return folder
    folder = user_data_dir() / "assets"
    if not (folder / "bird0.png").exists():
        make_all(folder)
    return folder


if __name__ == "__main__":
    for path in make_all():
        print(path)
