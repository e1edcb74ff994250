"""Recording what is shown to an animated GIF (Pillow), for `play --record` and `watch --record`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from flappy_pg.config import ConfigError


class Recorder:
    """Collects frames and writes them as a GIF. Frames are kept at half size in a 256-colour
    palette so that minutes of play fit in memory."""

    def __init__(self, path: str | Path, fps: int = 30):
        self.path = Path(path)
        if self.path.suffix.lower() != ".gif":
            raise ConfigError(f"recording must go to a .gif file, got {self.path.name!r}")
        if not self.path.parent.exists():
            raise FileNotFoundError(f"folder {self.path.parent} does not exist")
        self.fps = fps
        self.frames = []

    def add(self, frame: np.ndarray) -> None:
        from PIL import Image
        image = Image.fromarray(frame[::2, ::2])
        self.frames.append(image.quantize(colors=256, method=Image.Quantize.MEDIANCUT))

    def save(self) -> Path | None:
        """Write the GIF (atomically); None when nothing was recorded."""
        if not self.frames:
            return None
        temporary = self.path.with_name(self.path.name + ".tmp")
        self.frames[0].save(temporary, format="GIF", save_all=True, append_images=self.frames[1:],
                            duration=round(1000 / self.fps), loop=0)
        temporary.replace(self.path)
        return self.path
