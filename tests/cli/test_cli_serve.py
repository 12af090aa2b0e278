"""`gd-tui serve`'s bad input: one line and exit code 2, before anything listens."""

from __future__ import annotations

import socket
import sys
from typing import TYPE_CHECKING, Any

import pytest

from gd_tui.cli import SERVE_INSTALL

if TYPE_CHECKING:  # for the annotations only: pytest loads the conftest itself
    from conftest import Cli


def one_error_line(result: Any, *parts: str) -> None:
    assert result.code == 2
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("gd-tui: error: ")
    for part in parts:
        assert part in lines[0]


def test_without_the_extra_it_names_the_install_command(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    monkeypatch.delitem(sys.modules, "gd_tui.serve", raising=False)
    one_error_line(cli("serve"), SERVE_INSTALL)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["serve", "--max-sessions", "0"], "--max-sessions: must be from 1"),
        (["serve", "--port", "70000"], "--port: must be from 0 to 65535"),
        (["serve", "--lesson", "no-such-lesson"], "--lesson: no-such-lesson"),
        (["serve", "--lr", "-1"], "--lr"),
        (["--resume", "x.json", "serve"], "--resume"),
    ],
)
def test_bad_flags(cli: Cli, argv: list[str], expected: str) -> None:
    one_error_line(cli(*argv), expected)


@pytest.fixture
def serve_module() -> Any:
    pytest.importorskip("textual_serve", reason="the serve extra is not installed: pip install -e '.[serve]'")
    import gd_tui.serve

    return gd_tui.serve


def test_a_port_in_use(cli: Cli, serve_module: Any) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        one_error_line(cli("serve", "--port", str(port)), f"--port: {port} is in use")


@pytest.mark.parametrize(
    ("host", "expected"),
    [("no-such-host.invalid", "--host: cannot resolve"), ("192.0.2.1", "--host: 192.0.2.1 is not an address")],
)
def test_a_bad_host(cli: Cli, serve_module: Any, host: str, expected: str) -> None:
    one_error_line(cli("serve", "--host", host, "--port", "0"), expected)


def test_another_host_is_served_with_a_warning(cli: Cli, serve_module: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing listens beyond loopback in tests: the socket is a loopback one, the warning is the point.
    started: list[str] = []
    real_bind = serve_module.bind
    monkeypatch.setattr(serve_module, "bind", lambda host, port: real_bind("127.0.0.1", 0))

    def run_app(app: Any, **options: Any) -> None:
        app.close()  # the coroutine that would build the web app: never awaited here
        started.append("run")

    monkeypatch.setattr(serve_module.web, "run_app", run_app)
    result = cli("serve", "--host", "0.0.0.0", "--port", "0")
    assert result.code == 0
    assert started == ["run"]
    assert "warning" in result.err and "no login" in result.err
    quiet = cli("serve", "--port", "0")
    assert quiet.code == 0 and "warning" not in quiet.err


def test_loopback_names(serve_module: Any) -> None:
    assert serve_module.is_loopback("127.0.0.1")
    assert serve_module.is_loopback("localhost")
    assert not serve_module.is_loopback("0.0.0.0")
    assert not serve_module.is_loopback("192.0.2.1")
