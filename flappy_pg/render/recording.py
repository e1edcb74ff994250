"""Recording what is shown, for `play --record` and `watch --record`: an animated GIF (Pillow),
an MP4 video (imageio with imageio-ffmpeg, the optional `video` extra), or a PNG of the last
frame shown (a screenshot, e.g. after `--frames N`).

Both keep the full frame size and the game's 30 fps timing. GIF delays are counted in
hundredths of a second, so 30 fps is written as delays of 30, 30 and 40 ms in turn (100 ms per
3 frames). A GIF is built in memory at the end (about 4 MB per second of play); an MP4 is
streamed to disk as it goes, so use it for long recordings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from flappy_pg.errors import ConfigError

FORMATS = (".gif", ".mp4", ".png")


def gif_durations(frames: int, fps: int) -> list[int]:
    """Per-frame delays in whole hundredths of a second (as ms) whose running sum tracks
    `frames / fps` seconds as closely as GIF allows."""
    ends = [round(100 * (i + 1) / fps) * 10 for i in range(frames)]
    return [end - start for start, end in zip([0] + ends[:-1], ends)]


class Recorder:
    """Collects frames and writes them to `path` (.gif or .mp4) on `save()`, atomically."""

    def __init__(self, path: str | Path, fps: int = 30, scale: float = 1.0):
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix == "" and self.path.name.lower() in FORMATS:
            raise ConfigError(f"recording {self.path.name!r} has no name before its extension: "
                              f"give one, e.g. out{self.path.name.lower()}")
        if suffix not in FORMATS:
            raise ConfigError(f"recording must go to a .gif, .mp4 or .png file, got "
                              f"{self.path.name!r}")
        if not self.path.parent.exists():
            raise FileNotFoundError(f"folder {self.path.parent} does not exist")
        self.fps, self.scale = fps, scale  # a GIF's frames can be kept smaller (`scale`)
        self.frames: list = []
        self.count = 0
        self._temporary = self.path.with_name(f".{self.path.name}.tmp{suffix}")
        self._video = None
        if suffix == ".mp4":
            try:
                import imageio.v2 as imageio
                import imageio_ffmpeg  # noqa: F401
            except ImportError:
                raise ConfigError("recording to .mp4 needs imageio and imageio-ffmpeg: "
                                  "pip install 'flappy-pg[video]'") from None
            # 288 x 512 is already a multiple of 16: no resizing by ffmpeg.
            self._video = imageio.get_writer(self._temporary, fps=fps, codec="libx264",
                                             quality=8, macro_block_size=16,
                                             ffmpeg_log_level="error")

    def add(self, frame: np.ndarray) -> None:
        self.count += 1
        if self.path.suffix.lower() == ".png":  # a screenshot: only the last frame is kept
            self.frames = [frame]
            return
        if self._video is not None:
            self._video.append_data(frame)
            return
        from PIL import Image
        image = Image.fromarray(frame)
        if self.scale != 1.0:
            image = image.resize((round(image.width * self.scale), round(image.height * self.scale)),
                                 Image.Resampling.LANCZOS)
        # a scaled-down GIF (a README's picture) keeps 64 colours: a third of the bytes
        colours = 256 if self.scale == 1.0 else 64
        self.frames.append(image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT))

    def save(self) -> Path | None:
        """Write the file; None when nothing was recorded. A failed write (a full disk) leaves
        no temporary file behind."""
        try:
            return self._save()
        finally:
            self._temporary.unlink(missing_ok=True)

    def _save(self) -> Path | None:
        if self._video is not None:
            self._video.close()
            if not self.count:
                self._temporary.unlink(missing_ok=True)
                return None
        elif not self.frames:
            return None
        elif self.path.suffix.lower() == ".png":
            from PIL import Image
            Image.fromarray(self.frames[-1]).save(self._temporary, format="PNG")
        else:
            self.frames[0].save(self._temporary, format="GIF", save_all=True,
                                append_images=self.frames[1:],
                                duration=gif_durations(len(self.frames), self.fps), loop=0)
        self._temporary.replace(self.path)
        return self.path

    def finish(self, echo=print) -> None:
        """Save and say where (and how much) was written."""
        path = self.save()
        if path is None:
            echo("nothing was recorded")
        elif path.suffix.lower() == ".png":
            echo(f"saved the last of {self.count} frames to {path}")
        else:
            echo(f"recorded {self.count} frames ({self.count / self.fps:.1f} s at {self.fps} fps) "
                 f"to {path}")
