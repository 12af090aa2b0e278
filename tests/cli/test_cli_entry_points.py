"""The installed `gd-tui` script and `python -m gd_tui`, run as a user runs them: in a new process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def gd_tui_script() -> str:
    # The console script sits next to this interpreter when the package is installed in its environment.
    beside = Path(sys.executable).parent / "gd-tui"
    found = str(beside) if beside.exists() else shutil.which("gd-tui")
    if found is None:
        pytest.fail("the gd-tui console script is not installed (pip install -e '.[test]')")
    return found


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "error"}  # any warning at start-up would show here
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=120, env=env, check=False)


def test_console_script_runs_the_books_training() -> None:
    result = run(gd_tui_script(), "run", "--epochs", "1000", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    record = json.loads(result.stdout)
    assert record["b"] == pytest.approx(1.02354094, abs=5e-9)
    assert record["w"] == pytest.approx(1.96896411, abs=5e-9)


def test_python_dash_m_works_like_the_script() -> None:
    by_module = run(sys.executable, "-m", "gd_tui", "trace", "--steps", "12", "--json", "--batch-size", "16")
    by_script = run(gd_tui_script(), "trace", "--steps", "12", "--json", "--batch-size", "16")
    assert by_module.returncode == by_script.returncode == 0, by_module.stderr + by_script.stderr
    assert by_module.stdout == by_script.stdout
    lines = by_module.stdout.splitlines()
    assert len(lines) == 12
    assert json.loads(lines[2])["loss"] is not None


@pytest.mark.parametrize("argv", [["run", "--lr", "abc"], ["trace", "--batch-size", "0"]])
def test_bad_input_in_a_real_process_is_one_line_and_exit_2(argv: list[str]) -> None:
    for command in ([gd_tui_script()], [sys.executable, "-m", "gd_tui"]):
        result = run(*command, *argv)
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("gd-tui: error: ")
        assert "Traceback" not in result.stderr


def test_headless_commands_do_not_load_the_ui() -> None:
    # `trace` and `run` must start fast and work without a terminal: no Textual, no plotext.
    probe = (
        "import sys\n"
        "from gd_tui.cli import main\n"
        "code = main(['run', '--epochs', '2', '--json'])\n"
        "code = code or main(['trace', '--steps', '3'])\n"
        "loaded = {m.split('.')[0] for m in sys.modules} & {'textual', 'plotext', 'textual_plotext'}\n"
        "print(sorted(loaded), code, file=sys.stderr)\n"
    )
    result = run(sys.executable, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "[] 0"
    assert len(result.stdout.splitlines()) == 1 + 3


def test_a_reader_that_leaves_early_gets_no_traceback() -> None:
    # `gd-tui trace --steps 1000000 | head -1`: the pipe closes under the writer.
    with subprocess.Popen(
        [gd_tui_script(), "trace", "--steps", "1000000", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        errors = process.stderr.read()
        code = process.wait(timeout=60)
    assert json.loads(first)["step"] == 0
    assert "Traceback" not in errors and errors == ""
    assert code == 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a device whose writes fail: disk full)")
@pytest.mark.parametrize(
    "argv",
    [
        ["lessons"],
        ["run", "--epochs", "1", "--json"],
        ["run", "--epochs", "1"],
        ["trace", "--steps", "3", "--json"],
        ["sessions"],
        ["trace", "--steps", "100000"],
    ],
    ids=["lessons", "run-json", "run", "trace-json", "sessions", "trace-long"],
)
def test_output_to_a_full_disk_is_one_line(argv: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path)}
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [gd_tui_script(), *argv], stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=60
        )
    assert (done.returncode, done.stderr) == (2, "gd-tui: error: cannot write the output: No space left on device\n")


def test_the_command_turns_the_collector_on_for_work_other_than_the_app() -> None:
    # The command starts with the collector off (command.py); `run` makes garbage at once.
    probe = (
        "import gc, sys\n"
        "sys.argv = ['gd-tui', 'run', '--epochs', '3']\n"
        "from gd_tui.command import main\n"
        "code = main()\n"
        "print(gc.isenabled(), code, file=sys.stderr)\n"
    )
    result = run(sys.executable, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "True 0"


def test_the_app_without_a_terminal_says_so_in_one_line() -> None:
    # stdin and stdout are pipes here: the app would draw into them and wait for keys forever.
    result = run(gd_tui_script())
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("gd-tui: error: the app needs a terminal") and result.stderr.count("\n") == 1
