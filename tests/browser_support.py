"""What the browser tests share: Debian's Chromium (or RSDIR_CHROMIUM), a site built with
`rsdir build` and served by Python's http.server on 127.0.0.1, and pages opened offline.

The fixtures themselves (`browser`, `open_page`, `sample_site`, `hostile_site`) live in
conftest.py, so that every page's tests can use them.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from builder.cli import main
from builder.exports.compact import compact_directory
from builder.model import Directory
from builder.schemas import SCHEMA_DIR
from builder.site.engine import MESSAGES_FILE, messages_file

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("RSDIR_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
HOSTILE_RECORDS = REPO / "tests" / "fixtures" / "hostile"
# Every request leaving 127.0.0.1 (the theme's web fonts) is refused: the tests run offline and
# the site must work without third parties.
OFFSITE = re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*")


# --- the site, the server and the browser ----------------------------------------------------------

def build_site(records: Path, out: Path, *options: str) -> Path:
    result = CliRunner().invoke(main, ["build", "--records", str(records), "--out", str(out),
                                       "--config", str(REPO / "mkdocs.yml"), *options])
    assert result.exit_code == 0, result.output
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # The browser drops connections it no longer needs when a page or context closes.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """Serve a built site on a free port of 127.0.0.1; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def write_engine_data(root: Path, directory: Directory, generated_at: str = "2026-12-01T00:00:00Z") -> None:
    """What `assets/decide.mjs` loads, written for `directory` as a site at `root` has it: the
    feed's compact.json, the request schema and the engine's sentences, as `rsdir build` makes them."""
    files = {"feed/v1/compact.json": compact_directory(directory, generated_at),
             "schema/request.schema.json": (SCHEMA_DIR / "request.schema.json").read_bytes(),
             MESSAGES_FILE: messages_file()}
    for relative, content in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(content)
