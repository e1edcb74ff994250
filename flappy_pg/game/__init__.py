"""The game itself, with no pygame and no learning: its settings, the physics of one game and of N
games in one array step, what an agent observes (features or pixels), and the training-only
pipe layouts."""
