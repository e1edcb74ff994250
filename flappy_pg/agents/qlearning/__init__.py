"""Tabular Q-learning, the baseline: config, binning, the learner, its table files."""
