"""The PyTorch mirror's tests: marked `torch`, skipped with the reason when PyTorch is not installed."""

from __future__ import annotations

import importlib.util

import pytest

HAVE_TORCH = importlib.util.find_spec("torch") is not None
REASON = "PyTorch is not installed (pip install 'gd-tui[torch]'); the PyTorch mirror's tests need it"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/pytorch/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.torch)
            if not HAVE_TORCH:
                item.add_marker(pytest.mark.skip(reason=REASON))
