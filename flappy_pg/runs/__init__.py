"""A training run as a user starts it: budgets, progress, evaluations, checkpoints written
atomically, run folders with locks and logs, clean stops on Ctrl-C and SIGTERM, resume."""
