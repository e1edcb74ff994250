"""What a person sees and hears: the pygame renderer of a game state, our own sprites and sounds,
and recording frames to a GIF or a video. Imports pygame only when a renderer is made."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # before any import of pygame
