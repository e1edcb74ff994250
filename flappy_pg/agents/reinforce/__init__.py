"""REINFORCE, the Monte Carlo policy gradient: config, networks, the algorithm, checkpoints."""
