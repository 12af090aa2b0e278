"""The engine a Config asks for: the NumPy Machine, or the PyTorch mirror when torch is installed."""

from __future__ import annotations

from gd_tui.csvfile import dataset
from gd_tui.engine import Config, Machine
from gd_tui.engine.data import Dataset

INSTALL = "pip install '.[torch]' in the gd-tui folder (or 'gd-tui[torch]')"


class BackendMissing(RuntimeError):
    """The torch backend was asked for and PyTorch is not installed; the message is one line."""

    def __init__(self) -> None:
        super().__init__(f"the torch backend needs PyTorch, which is not installed: {INSTALL}")


def check_backend(config: Config) -> None:
    """Raise BackendMissing now if the config's backend cannot be loaded (before any screen is drawn)."""
    if config.backend == "torch":
        _torch_machine()


def _torch_machine() -> type[Machine]:
    try:
        from gd_tui.pytorch import TorchMachine  # imports torch: only when asked for
    except ImportError as error:
        if error.name is not None and error.name.split(".")[0] == "torch":
            raise BackendMissing() from None
        raise
    return TorchMachine


def make_machine(config: Config | None = None, data: Dataset | None = None) -> Machine:
    """Machine(config), or TorchMachine(config) for backend "torch"; raises BackendMissing.

    Without `data`, the data `config` describes (its CSV file read here, not in the engine).
    """
    config = config if config is not None else Config()
    if config.backend == "torch":
        _torch_machine()  # before reading any file: the missing install is the one thing to say
    data = data if data is not None else dataset(config)
    if config.backend == "numpy":
        return Machine(config, data)
    return _torch_machine()(config, data)
