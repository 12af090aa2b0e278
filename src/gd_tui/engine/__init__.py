"""The pure NumPy engine: config, data, the six steps, the state machine, analysis."""

from __future__ import annotations

from gd_tui.engine.config import Config, ConfigError
from gd_tui.engine.data import DataError, Dataset, make_dataset
from gd_tui.engine.machine import Machine, State
from gd_tui.engine.steps import STEP_NAMES

__all__ = ["STEP_NAMES", "Config", "ConfigError", "DataError", "Dataset", "Machine", "State", "make_dataset"]
