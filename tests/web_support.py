"""A real headless Chromium for tests/test_web.py: what a page shows (its DOM) and what its
terminal was sent.

textual-serve's page draws the terminal on a canvas (xterm.js with its WebGL or canvas
renderer), so ``--dump-dom`` cannot show the roster's text. Instead, over the DevTools
protocol, a script is added to the page before its own scripts run that keeps a copy of every
byte the page's websocket receives (the very bytes xterm.js draws): the test reads that text
back from the browser. Nothing in cstui or textual-serve is changed for the test.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import aiohttp

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--window-size=1000,700")

# a copy of the terminal's bytes, decoded as one UTF-8 stream (a character may span two messages)
KEEP_TERMINAL_TEXT = """
(() => {
  window.__terminalText = "";
  const decoder = new TextDecoder();
  const Native = window.WebSocket;
  function Recording(url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") window.__terminalText += decoder.decode(event.data, {stream: true});
    });
    return socket;
  }
  Recording.prototype = Native.prototype;
  window.WebSocket = Recording;
})();
"""


def chromium() -> str | None:
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def dump_dom(url: str, budget_ms: int = 3000) -> str:
    """The page's DOM after ``budget_ms`` of virtual time, as ``chromium --dump-dom`` prints it."""
    with _profile() as profile:
        argv = [
            chromium(),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={budget_ms}",
            "--dump-dom",
            url,
        ]
        return subprocess.run(argv, capture_output=True, text=True, timeout=90).stdout


def terminal_text(url: str, wanted: str, timeout_s: float = 40) -> str:
    """Open ``url`` in Chromium and return the text its terminal received, once it holds
    ``wanted`` (or when ``timeout_s`` runs out)."""
    with _profile() as profile:
        argv = [chromium(), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"]
        browser = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        try:
            endpoint = _devtools_endpoint(browser)
            return asyncio.run(_watch(endpoint, url, wanted, timeout_s))
        finally:
            # chromium's helpers (renderer, GPU, crashpad) outlive the browser process and keep
            # writing into the profile: end the whole process group before the folder goes
            os.killpg(browser.pid, signal.SIGTERM)
            browser.wait(timeout=30)


def _profile():
    """A throw-away Chromium profile folder; a helper process still flushing into it on the
    way out must not fail the test that used it."""
    return tempfile.TemporaryDirectory(ignore_cleanup_errors=True)


def _devtools_endpoint(browser: subprocess.Popen) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = browser.stderr.readline()
        if found := re.search(r"DevTools listening on ws://([^/]+)/", line):
            return found.group(1)
        if not line and browser.poll() is not None:
            break
    raise RuntimeError("chromium did not start its DevTools endpoint")


async def _watch(endpoint: str, url: str, wanted: str, timeout_s: float) -> str:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://{endpoint}/json/list") as response:
            pages = [t for t in await response.json(content_type=None) if t["type"] == "page"]
        async with http.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0) as devtools:
            call = _caller(devtools)
            await call("Page.enable")
            await call("Page.addScriptToEvaluateOnNewDocument", source=KEEP_TERMINAL_TEXT)
            await call("Page.navigate", url=url)
            text, deadline = "", time.monotonic() + timeout_s
            while wanted not in text and time.monotonic() < deadline:
                await asyncio.sleep(0.5)
                result = await call("Runtime.evaluate", expression="window.__terminalText || ''", returnByValue=True)
                text = result.get("result", {}).get("value", "")
            return text


def _caller(devtools):
    ids = iter(range(1, 1_000_000))

    async def call(method: str, **params):
        number = next(ids)
        await devtools.send_str(json.dumps({"id": number, "method": method, "params": params}))
        async for message in devtools:
            reply = json.loads(message.data)
            if reply.get("id") == number:
                return reply.get("result", {})
        raise RuntimeError("chromium closed its DevTools connection")

    return call
