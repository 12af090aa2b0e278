"""The pure NumPy engine: config, data, the six steps, the state machine, analysis."""

from __future__ import annotations

from gd_tui.engine.config import Config, ConfigError
from gd_tui.engine.data import Dataset, DataError, make_dataset
from gd_tui.engine.machine import Machine, State
from gd_tui.engine.steps import STEP_NAMES

__all__ = ["Config", "ConfigError", "DataError", "Dataset", "Machine", "STEP_NAMES", "State", "make_dataset"]
