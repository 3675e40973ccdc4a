"""`cstui web`: the TUI in a real browser (headless Chromium), one person per one-time link.

The roster is checked in what the page's terminal received (tests/web_support.py says why not
in the DOM: xterm.js draws on a canvas); refusals are plain pages, checked in the DOM that
``chromium --dump-dom`` prints. Skipped where no Chromium is installed (.ci/run installs
Debian's). The command-line parts need no browser.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.demo import build_demo
from cstui.store import Store
from web_support import chromium, dump_dom, terminal_text

needs_chromium = pytest.mark.skipif(chromium() is None, reason="no chromium installed (apt-get install chromium)")
SUPERVISOR = "wang.supervisor"  # the demo's supervisor of the hotline team only


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "demo.db"
    build_demo(path)
    return path


@pytest.fixture(scope="module")
def names(demo_db):
    """The first name of the supervisor's roster (by id, as it opens), and names only on other
    teams (which he must never see)."""
    with Store.open(demo_db, login=SUPERVISOR) as store:
        roster = store.employees(order_by="id")
    with Store.open(demo_db, login="li.manager") as store:
        others = {e.name for e in store.employees()} - {e.name for e in roster}
    return roster[0].name, others


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    """`cstui web` on a free port, as a person starts it; yields (base URL, its log file)."""
    port, log = _free_port(), tmp_path_factory.mktemp("web-log") / "server.log"
    env = {**os.environ, "COLUMNS": "200"}  # the server's log lines unwrapped
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cstui", "--db", str(demo_db), "web", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}", log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cstui web exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("cstui web did not start listening")


def _link(base: str, demo_db, login: str = SUPERVISOR, at: datetime | None = None) -> str:
    """What `cstui web-token` prints for ``login`` (through `cstui shell LOGIN web-token`)."""
    with Store.open(demo_db, login=login) as store:
        return f"{base}/?token={store.issue_web_token(at=at)}"


@needs_chromium
def test_a_link_opens_its_logins_roster_in_a_real_browser_and_nothing_more(server, demo_db, names):
    base, log = server
    wanted, others = names
    text = terminal_text(_link(base, demo_db), wanted)
    assert wanted in text and SUPERVISOR in text  # the roster, and the title bar's login
    assert not [name for name in others if name in text]  # another team's people never reach his browser
    assert f"a session for {SUPERVISOR}" in log.read_text(encoding="utf-8")


@needs_chromium
def test_a_used_link_is_refused_with_a_page_that_names_nobody(server, demo_db, names):
    base, _ = server
    url = _link(base, demo_db)
    assert 'id="terminal"' in dump_dom(url)  # the first opening serves the app's page
    page = dump_dom(url)
    assert "used already" in page and 'id="terminal"' not in page
    assert SUPERVISOR not in page and names[0] not in page


@needs_chromium
@pytest.mark.parametrize("token, reason", [("nonsense", "not a cstui web token"), ("", "needs the link")])
def test_a_wrong_link_is_refused(server, token, reason):
    page = dump_dom(f"{server[0]}/?token={token}")
    assert reason in page and 'id="terminal"' not in page


def test_an_expired_link_is_refused_with_403(server, demo_db):
    url = _link(server[0], demo_db, at=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=30)
    assert refused.value.code == 403 and "expired" in refused.value.read().decode()


def test_a_websocket_without_a_served_page_starts_no_app(server):
    request = urllib.request.Request(
        f"{server[0]}/ws/made-up-key", headers={"Connection": "Upgrade", "Upgrade": "websocket"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403


# ------------------------------------------------------------------ the commands, no browser


def test_web_token_prints_a_link_for_the_logged_in_identity(demo_db):
    result = CliRunner().invoke(
        cli,
        ["--db", str(demo_db), "shell", SUPERVISOR, "web-token", "--port", "9000"],
        env={"SSH_ORIGINAL_COMMAND": None, "SUDO_UID": None},
    )
    assert result.exit_code == 0, result.output
    url = next(line for line in result.output.splitlines() if line.startswith("http"))
    assert url.startswith("http://127.0.0.1:9000/?token=")
    from cstui.store.web_tokens import TokenDesk

    with TokenDesk.open(demo_db, login="svc") as desk:
        assert desk.redeem(url.split("token=", 1)[1]).login == SUPERVISOR


def test_web_session_refuses_to_start_without_a_session_key(demo_db):
    result = CliRunner().invoke(cli, ["--db", str(demo_db), "web-session"], env={"CSTUI_WEB_SESSION": None})
    assert result.exit_code == 2 and "cstui web-token" in result.output


def test_web_session_refuses_an_unknown_key_without_opening_the_tui(demo_db):
    result = CliRunner().invoke(cli, ["--db", str(demo_db), "web-session"], env={"CSTUI_WEB_SESSION": "made-up"})
    assert result.exit_code == 4 and "not valid" in result.output
