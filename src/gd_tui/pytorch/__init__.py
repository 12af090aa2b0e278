"""The PyTorch mirror (optional extra `torch`): the same six steps as chapter 1 writes them in PyTorch.

Importing this package imports torch; gd_tui.backends picks it only when asked.
"""

from __future__ import annotations

from gd_tui.pytorch.machine import VARIANTS, TorchMachine

__all__ = ["VARIANTS", "TorchMachine"]
