"""In a served session (`gd-tui serve`), save and export send files to the student's browser.

The app runs on the teacher's machine; a file written there is of no use to a student in a
browser, so Textual's deliver_binary hands it to the page as a download instead. Bytes, not
text: the download is then byte for byte what `gd-tui run --history` writes.
"""

from __future__ import annotations

import io
import re

from textual.app import App

from gd_tui.engine import Machine
from gd_tui.export import epochs_csv, epochs_path, updates_csv
from gd_tui.session import Session, checked_text

SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")


def download_name(text: str, example: str) -> str:
    """The file name a typed name gives in the browser's downloads (no directories: the browser picks)."""
    name = text.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name in ("", ".", ".."):
        raise ValueError(f"file: give a file name such as {example} (got {text!r})")
    # The name travels unquoted in a Content-Disposition header (textual-serve writes it so).
    if not SAFE_NAME.fullmatch(name):
        raise ValueError(f"file: {name!r}: use letters, digits, '.', '_' and '-' only, as in {example}")
    return name


def _send(app: App[object], name: str, text: str) -> None:
    app.deliver_binary(io.BytesIO(text.encode("utf-8")), save_filename=name, mime_type=_mime_type(name))


def _mime_type(name: str) -> str:
    return "text/csv" if name.endswith(".csv") else "application/json" if name.endswith(".json") else "text/plain"


def send_session(app: App[object], session: Session, text: str) -> str:
    """Send the session file to the browser; returns the message to show."""
    name = download_name(text, "gd-tui-session.json")
    _send(app, name, checked_text(session))
    return f"Sent {name} to your browser: gd-tui --resume {name} comes back here wherever gd-tui is installed."


def send_history(app: App[object], machine: Machine, text: str) -> str:
    """Send the two history files to the browser; returns the message to show."""
    name = download_name(text, "history.csv")
    epochs = epochs_path(name).name
    _send(app, name, updates_csv(machine))
    _send(app, epochs, epochs_csv(machine))
    return f"Sent {name} and {epochs} to your browser."
