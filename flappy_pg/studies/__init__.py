"""Studies that print or write measured figures: REINFORCE against Q-learning (`compare`), speed
and learning-speed benchmarks (`bench`), and the gradient lab (`gradlab/`)."""
