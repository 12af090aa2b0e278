"""Hang up on gd-tui at random moments during a `c` run, many times: does every process go?

    python bench/hangup_stress.py                 # 200 trials, up to 4 at a time
    python bench/hangup_stress.py --trials 30 --jobs 2 --seed 7
    python bench/hangup_stress.py --stacks DIR    # a stuck process dumps its threads' stacks to DIR

Each trial starts `gd-tui` in a fresh 80x24 pseudo-terminal (its own session, the pty its
controlling terminal, as under sshd), waits for the first screen, presses `c`, and then for a
random 0-3 s does one of:

    run      nothing more (the output is read, as a live terminal would)
    keys     a flood of keys (steps, back, runs, pauses, chart and scale toggles)
    resize   a resize storm: TIOCSWINSZ on the pty and SIGWINCH, every few milliseconds
    stall    stops reading the output part-way, for good (a connection that stalls, then drops;
             with sighup or sigterm the terminal stays stalled until the process has gone)

and then hangs up one of three ways:

    close    closes the pty's master side: the kernel hangs the terminal up (SIGHUP, SIGCONT,
             reads give EOF, writes give EIO), as when an SSH connection drops
    sighup   sends SIGHUP, the terminal still alive and read
    sigterm  sends SIGTERM, the terminal still alive and read

A trial passes when every process of the session is gone within --within seconds (5) of the
hang-up and the state directory holds an autosave that `gd-tui --resume FILE` accepts (loaded,
checked and replayed here, as --resume does). The figures: trials, stuck count, unsaved count,
exits slower than 2.9 s (the work of gd-tui's watchdog, which ends a stuck exit 3 s after the
hang-up), max and median exit time, per variant and hang-up. Not a test (nothing is asserted);
the short version is tests/e2e/test_hangup.py.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import random
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

COLUMNS, ROWS = 80, 24
VARIANTS = ("run", "keys", "resize", "stall")
HANGUPS = ("close", "sighup", "sigterm")
FIRST_SCREEN = b"initialize"  # in "Next: step 0, initialize" (text may be split by escapes; this word is not)
FLOOD_KEYS = "nnnnppeccct l01234+-"  # no q (it quits), no dialogs (they stop the run quietly)
SAVED_LINE = re.compile(rb"saved to (\S+\.json)")
LATE = 10.0  # seconds a stuck process is watched further, to tell slow from never
LAST_RESORT = 2.9  # gd-tui's watchdog ends a stuck exit 3 s after the hang-up: slower exits are its work
START_TIMEOUT = 30.0

# With --stacks: the app, with faulthandler dumping every thread's stack on SIGUSR1.
WITH_STACKS = """
import faulthandler, signal, sys
dump = open(sys.argv[1], "w")
faulthandler.register(signal.SIGUSR1, file=dump, all_threads=True)
from gd_tui.cli import main
sys.exit(main(sys.argv[2:]))
"""


def gd_tui_command() -> list[str]:
    """The console script next to this Python, else `python -m gd_tui`."""
    found = shutil.which("gd-tui", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "gd_tui"]


def child_env(state_home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "PYTEST", "COLUMNS", "LINES"))}
    env.pop("NO_COLOR", None)
    env.update(TERM="xterm-256color", XDG_STATE_HOME=state_home, ESCDELAY="25")
    return env


def winsize(columns: int, rows: int) -> bytes:
    return struct.pack("HHHH", rows, columns, 0, 0)


@dataclass
class Trial:
    number: int
    variant: str
    hangup: str
    delay: float  # seconds from `c` to the hang-up
    exit_seconds: float | None = None  # None: still there after the bound
    returncode: int | None = None
    saved: Path | None = None
    problem: str = ""  # why the autosave (or the start) failed, if it did
    stacks: Path | None = None
    late: str = ""  # for a stuck process: its state then, and whether it went later

    @property
    def stuck(self) -> bool:
        return self.exit_seconds is None

    @property
    def ok(self) -> bool:
        return not self.stuck and self.saved is not None and not self.problem


class Pty:
    """gd-tui on the slave side of a fresh pseudo-terminal; the parent keeps only the master."""

    def __init__(self, command: list[str], state_home: str) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, winsize(COLUMNS, ROWS))
        self.process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=child_env(state_home),
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
            close_fds=True,
        )
        os.close(slave)  # only the app holds it: closing the master hangs the terminal up
        self.output = bytearray()
        self.master_open = True

    def read(self, timeout: float) -> None:
        if not self.master_open:
            time.sleep(timeout)
            return
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            with contextlib.suppress(OSError):
                self.output.extend(os.read(self.master, 1 << 16))

    def write(self, data: bytes) -> None:
        # Non-blocking: an app that no longer reads must not stall the harness.
        with contextlib.suppress(OSError):
            ready = select.select([], [self.master], [], 0)[1]
            if ready:
                os.write(self.master, data)

    def close_master(self) -> None:
        if self.master_open:
            os.close(self.master)
            self.master_open = False

    def session_gone(self) -> bool:
        """No process is left in the app's process group (it leads its own session)."""
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


def process_state(pid: int) -> str:
    """The kernel's state letter for the process (R running, S sleeping, T stopped, ...)."""
    try:
        return "state " + Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "state unknown"


def accepted(path: Path) -> str:
    """'' if `gd-tui --resume FILE` would accept the file (load, check, replay), else why not."""
    from gd_tui.session import SessionError, check, load, restore

    try:
        session = load(path)
        check(session)
        restore(session)
    except SessionError as error:
        return f"--resume refuses it: {error}"
    return ""


def find_autosave(state_home: Path, output: bytes) -> Path | None:
    """The file the app says it saved to, else the one file in its state directory."""
    said = SAVED_LINE.findall(re.sub(rb"\x1b\[[0-?]*[ -/]*[@-~]|\r|\n", b"", output))
    if said:
        return Path(said[-1].decode())
    found = sorted((state_home / "gd-tui").glob("*.json")) if (state_home / "gd-tui").is_dir() else []
    return found[-1] if len(found) == 1 else None


def run_trial(trial: Trial, within: float, stacks: Path | None) -> Trial:
    rng = random.Random(trial.number)
    with tempfile.TemporaryDirectory(prefix="gd-tui-hangup-") as home:
        command = gd_tui_command()
        dump = None
        if stacks is not None:
            dump = stacks / f"trial-{trial.number:03d}-{trial.variant}-{trial.hangup}.txt"
            command = [sys.executable, "-c", WITH_STACKS, str(dump)]
        terminal = Pty(command, home)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while FIRST_SCREEN not in terminal.output:
                if time.monotonic() > deadline or terminal.process.poll() is not None:
                    trial.problem = "never drew its first screen"
                    trial.exit_seconds = 0.0
                    return trial
                terminal.read(0.05)
            terminal.write(b"c")
            hang_up_at = time.monotonic() + trial.delay
            stall_at = time.monotonic() + rng.uniform(0, trial.delay)
            reading = True
            while (now := time.monotonic()) < hang_up_at:
                if trial.variant == "stall" and now >= stall_at:
                    reading = False
                if reading:
                    terminal.read(0.005)
                else:
                    time.sleep(0.005)
                if trial.variant == "keys":
                    terminal.write("".join(rng.choice(FLOOD_KEYS) for _ in range(rng.randint(1, 40))).encode())
                elif trial.variant == "resize":
                    columns, rows = rng.randint(40, 160), rng.randint(10, 50)
                    with contextlib.suppress(OSError):
                        fcntl.ioctl(terminal.master, termios.TIOCSWINSZ, winsize(columns, rows))
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(terminal.process.pid, signal.SIGWINCH)
            hung_up = time.monotonic()
            if trial.hangup == "close":
                terminal.close_master()
            else:
                os.kill(terminal.process.pid, signal.SIGHUP if trial.hangup == "sighup" else signal.SIGTERM)
            bound = hung_up + within
            while time.monotonic() < bound:
                if terminal.process.poll() is not None and terminal.session_gone():
                    trial.exit_seconds = time.monotonic() - hung_up
                    break
                if reading:
                    terminal.read(0.01)
                else:
                    time.sleep(0.01)
            else:
                trial.late = process_state(terminal.process.pid)
                if dump is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(terminal.process.pid, signal.SIGUSR1)
                    trial.stacks = dump
                late = time.monotonic() + LATE
                while terminal.process.poll() is None and time.monotonic() < late:
                    time.sleep(0.05)
                gone = terminal.process.poll() is not None
                after = time.monotonic() - hung_up
                trial.late += f", gone after {after:.1f} s" if gone else f", still there after {after:.1f} s"
            trial.returncode = terminal.process.poll()
            for _ in range(20):  # what it wrote on the way out (the line naming the autosave)
                terminal.read(0.01)
        finally:
            terminal.kill()
            with contextlib.suppress(OSError):
                terminal.close_master()
        trial.saved = find_autosave(Path(home), bytes(terminal.output))
        if trial.saved is None:
            trial.problem = "no autosave"
        elif not trial.saved.is_file():
            trial.problem = f"says it saved to {trial.saved}, which is not there"
        else:
            trial.problem = accepted(trial.saved)
        if dump is not None and trial.stacks is None:
            with contextlib.suppress(OSError):
                dump.unlink()
    return trial


def plan(trials: int, seed: int, variants: list[str], hangups: list[str], max_delay: float) -> list[Trial]:
    rng = random.Random(seed)
    return [
        Trial(seed * 100_000 + i, rng.choice(variants), rng.choice(hangups), rng.uniform(0, max_delay))
        for i in range(trials)
    ]


def report(done: list[Trial], within: float, elapsed: float) -> None:
    def line(label: str, group: list[Trial]) -> str:
        times = [t.exit_seconds for t in group if t.exit_seconds is not None]
        stuck = sum(t.stuck for t in group)
        unsaved = sum(bool(t.problem) for t in group)
        slow = sum(time > LAST_RESORT for time in times)
        longest = f"{max(times):.2f}" if times else "-"
        middle = f"{statistics.median(times):.2f}" if times else "-"
        return f"{label:<18}{len(group):>7}{stuck:>7}{unsaved:>9}{slow:>7}{longest:>10}{middle:>10}"

    print(f"{'':<18}{'trials':>7}{'stuck':>7}{'unsaved':>9}{'>2.9 s':>7}{'max exit':>10}{'median':>10}")
    for variant in VARIANTS:
        for hangup in HANGUPS:
            group = [t for t in done if t.variant == variant and t.hangup == hangup]
            if group:
                print(line(f"{variant} + {hangup}", group))
    print(line("all", done))
    stuck = sum(t.stuck for t in done)
    longest = max((t.exit_seconds for t in done if t.exit_seconds is not None), default=0.0)
    print(
        f"\ntrials {len(done)}, stuck {stuck} (still running {within:g} s after the hang-up), "
        f"unsaved {sum(bool(t.problem) for t in done)}, max exit time {longest:.2f} s "
        f"(of those that exited), {elapsed:.0f} s in all"
    )
    for trial in done:
        if not trial.ok:
            what = "stuck" if trial.stuck else f"exited {trial.returncode} in {trial.exit_seconds:.2f} s"
            extra = f"; {trial.late}" if trial.late else ""
            extra += f"; stacks in {trial.stacks}" if trial.stacks else ""
            print(
                f"  trial {trial.number} ({trial.variant} + {trial.hangup} after {trial.delay:.2f} s): "
                f"{what}{'; ' + trial.problem if trial.problem else ''}{extra}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1), help="trials at a time")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--within", type=float, default=5.0, help="seconds a process may take to go")
    parser.add_argument("--max-delay", type=float, default=3.0, help="hang up 0 to this many seconds after c")
    parser.add_argument("--variant", action="append", choices=VARIANTS, help="only these (repeatable)")
    parser.add_argument("--hangup", action="append", choices=HANGUPS, help="only these (repeatable)")
    parser.add_argument("--stacks", type=Path, help="directory for the thread stacks of stuck processes")
    args = parser.parse_args()
    if args.stacks is not None:
        args.stacks.mkdir(parents=True, exist_ok=True)
    trials = plan(args.trials, args.seed, args.variant or list(VARIANTS), args.hangup or list(HANGUPS), args.max_delay)
    started = time.monotonic()
    done: list[Trial] = []
    lock = threading.Lock()

    def one(trial: Trial) -> Trial:
        result = run_trial(trial, args.within, args.stacks)
        with lock:
            done.append(result)
            mark = "." if result.ok else ("S" if result.stuck else "x")
            print(mark, end="" if len(done) % 50 else "\n", flush=True)
        return result

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(one, trials))
    print()
    done.sort(key=lambda t: t.number)
    report(done, args.within, time.monotonic() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
