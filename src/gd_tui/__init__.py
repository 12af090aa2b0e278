"""gd-tui: a terminal step-debugger for gradient descent."""

__version__ = "0.1.0"
