"""Without PyTorch, asking for the torch backend is one line naming the install command, and exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

# torch made unimportable for this process only, whether or not it is installed.
PRELUDE = "import sys; sys.modules['torch'] = None; from gd_tui.cli import main; sys.exit(main(sys.argv[1:]))"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PRELUDE, *args], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    "args",
    [
        ["trace", "--backend", "torch"],
        ["run", "--backend", "torch", "--epochs", "1"],
        ["--backend", "torch"],
        ["--lesson", "no-zero-grad"],
        ["run", "--lesson", "no-zero-grad"],
    ],
    ids=["trace", "run", "app", "lesson", "lesson-run"],
)
def test_the_torch_backend_without_torch_names_the_install_command(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("gd-tui: error: --backend torch:")
    assert "pip install '.[torch]'" in lines[0]


def test_the_numpy_engine_never_needs_torch() -> None:
    result = run("run", "--epochs", "2", "--json")
    assert result.returncode == 0 and '"epochs_done": 2' in result.stdout


@pytest.mark.parametrize(
    ("args", "option"),
    [(["--dtype", "float16"], "--dtype"), (["--backend", "jax"], "--backend"), (["--model", "mlp"], "--model")],
)
def test_a_bad_torch_option_is_one_line(args: list[str], option: str) -> None:
    result = run("trace", *args)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and option in result.stderr
