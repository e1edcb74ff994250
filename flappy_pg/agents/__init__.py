"""The learners and what they share: the learner shape and its counters, playing complete
episodes, evaluation, and telling saved agents apart. `reinforce/` is the Monte Carlo policy
gradient, `qlearning/` the tabular baseline."""
