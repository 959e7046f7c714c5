"""A minimal WebDriver BiDi client for Debian's stock ``firefox-esr``.

Why this exists: Playwright only drives its own patched Firefox build, which cannot be downloaded
here, and geckodriver is not packaged in Debian. Firefox ships a built-in WebDriver BiDi remote
agent (``--remote-debugging-port``), so a small synchronous client over one websocket is enough to
open the real package from file:// and check it in the second engine learners double-click with.

Only what the tests need is here: launch with a throwaway profile, ``session.new``, tabs in
separate user contexts (separate storage per test), navigate/reload with ``wait: complete``,
``script.evaluate``/``script.callFunction`` with values converted to Python, real pointer and key
input through ``input.performActions``, event subscriptions (``log.entryAdded``,
``network.beforeRequestSent``) and a shutdown that always ends the process.

Single-threaded on purpose: events are read and dispatched to handlers only while a command waits
for its answer (or in :meth:`Firefox.pump`), so handlers never race the test code.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIREFOX = os.environ.get("SCORM_BUILDER_FIREFOX", "firefox-esr")

# Quiet, deterministic profile: no updates, telemetry, studies, safe-browsing lists, captive-portal
# or connectivity probes, add-on updates or first-run pages. Background traffic would make the
# "no request leaves the page" check noisy and slow the start; none of these touch how a page
# loads from file:// (file-origin and storage prefs are deliberately left at Firefox's defaults,
# because Firefox's own file:// behaviour is what the tests are for).
PREFS: dict[str, bool | int | str] = {
    "app.update.enabled": False,
    "app.update.auto": False,
    "app.update.checkInstallTime": False,
    "app.update.disabledForTesting": True,
    "app.normandy.enabled": False,
    "app.shield.optoutstudies.enabled": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.startup.homepage": "about:blank",
    "browser.newtabpage.enabled": False,
    "browser.aboutwelcome.enabled": False,
    "browser.sessionstore.resume_from_crash": False,
    "browser.tabs.warnOnClose": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.provider.google4.updateURL": "",
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.ping-centre.telemetry": False,
    "browser.newtabpage.activity-stream.feeds.telemetry": False,
    "browser.newtabpage.activity-stream.telemetry": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.usage.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.archive.enabled": False,
    "toolkit.telemetry.server": "",
    "toolkit.startup.max_resumed_crashes": -1,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.http.speculative-parallel-limit": 0,
    "extensions.update.enabled": False,
    "extensions.update.autoUpdateDefault": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.blocklist.enabled": False,
    "extensions.systemAddon.update.enabled": False,
    "services.settings.server": "data:,",
}

_LISTENING = re.compile(r"WebDriver BiDi listening on (ws://\S+)")


class BiDiError(RuntimeError):
    """A command answered with an error (``error`` is the BiDi error code, e.g. 'no such frame')."""

    def __init__(self, method: str, error: str, message: str) -> None:
        super().__init__(f"{method}: {error}: {message}")
        self.error = error


class ScriptError(RuntimeError):
    """The page's script threw; the message is Firefox's text for the exception."""


@dataclass(frozen=True)
class NodeRef:
    """A DOM node returned by a script, usable as a pointer-move origin or a call argument."""

    shared_id: str


def firefox_available() -> bool:
    """True when the Firefox binary is on this machine (decides whether the Firefox tests run)."""
    return shutil.which(FIREFOX) is not None


def from_remote(value: dict[str, Any]) -> Any:
    """Convert a BiDi RemoteValue to Python (objects become dicts, nodes become :class:`NodeRef`)."""
    kind = value.get("type")
    raw = value.get("value")
    if kind in ("undefined", "null"):
        return None
    if kind == "number":
        special = {"NaN": math.nan, "-0": -0.0, "Infinity": math.inf, "-Infinity": -math.inf}
        return special[raw] if isinstance(raw, str) else raw
    if kind in ("string", "boolean"):
        return raw
    if kind == "bigint":
        return int(str(raw))
    if kind in ("array", "set", "nodelist", "htmlcollection"):
        return [from_remote(v) for v in raw or []]
    if kind in ("object", "map"):
        return {(k if isinstance(k, str) else from_remote(k)): from_remote(v) for k, v in raw or []}
    if kind == "node" and "sharedId" in value:
        return NodeRef(value["sharedId"])
    return value  # functions, promises, windows...: the raw description is enough for a test


def to_local(value: Any) -> dict[str, Any]:
    """Convert a Python value to a BiDi LocalValue for ``script.callFunction`` arguments."""
    if value is None:
        return {"type": "null"}
    if isinstance(value, NodeRef):
        return {"sharedId": value.shared_id}
    if isinstance(value, bool):
        return {"type": "boolean", "value": value}
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            special = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
            return {"type": "number", "value": special}
        return {"type": "number", "value": value}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, list | tuple):
        return {"type": "array", "value": [to_local(v) for v in value]}
    if isinstance(value, dict):
        return {"type": "object", "value": [[str(k), to_local(v)] for k, v in value.items()]}
    raise TypeError(f"cannot pass {type(value).__name__} to the page")


class Firefox:
    """One headless Firefox process, its temporary profile and its BiDi session."""

    def __init__(self, process: subprocess.Popen[bytes], profile: Path, stack: ExitStack, ws: Any) -> None:
        self.process = process
        self.profile = profile
        self._stack = stack  # owns the websocket (newer websockets want connect() used as a context manager)
        self._ws = ws
        self._next_id = 0
        self._handlers: dict[str, list[Callable[[dict[str, Any]], None]]] = defaultdict(list)
        self.startup_seconds = 0.0  # process start to session.new answered

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def launch(cls, binary: str = FIREFOX, timeout: float = 60.0) -> Firefox:
        """Start Firefox with a fresh profile, connect, and open a BiDi session.

        Port 0 lets Firefox pick a free port (no race with other test runs); the address is read
        from the ``WebDriver BiDi listening on`` line Firefox prints to stderr.
        """
        from websockets.sync.client import connect

        started = time.monotonic()
        profile = Path(tempfile.mkdtemp(prefix="sb-firefox-"))
        (profile / "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in PREFS.items()), encoding="utf-8"
        )
        log_path = profile / "firefox.log"
        env = dict(os.environ, MOZ_CRASHREPORTER_DISABLE="1", MOZ_CRASHREPORTER_SHUTDOWN="1")
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [shutil.which(binary) or binary, "--headless", "--no-remote", "--remote-debugging-port", "0",
                 "--profile", str(profile), "about:blank"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                start_new_session=True,  # its own process group: a hung shutdown kills its content processes too
            )
        stack = ExitStack()
        try:
            url = None
            while url is None:
                match = _LISTENING.search(log_path.read_text(encoding="utf-8", errors="replace"))
                if match:
                    url = match.group(1)
                elif process.poll() is not None:
                    raise RuntimeError(f"Firefox exited ({process.returncode}): {log_path.read_text()[-2000:]}")
                elif time.monotonic() - started > timeout:
                    raise TimeoutError(f"Firefox did not start its BiDi server in {timeout:.0f} s")
                else:
                    time.sleep(0.05)
            # proxy=None: an HTTP(S)_PROXY in the environment must not capture a loopback socket.
            ws = stack.enter_context(connect(f"{url}/session", proxy=None, max_size=64 * 2**20, open_timeout=timeout))
            firefox = cls(process, profile, stack, ws)
            firefox.command("session.new", {"capabilities": {}}, timeout=timeout)
        except BaseException:
            stack.close()
            _kill(process)
            shutil.rmtree(profile, ignore_errors=True)
            raise
        firefox.startup_seconds = time.monotonic() - started
        return firefox

    def close(self, timeout: float = 10.0) -> None:
        """End the browser politely (``browser.close``), then kill it if it lingers; delete the profile."""
        # Closing must never hide the test's own failure: errors here only lead to the kill below.
        with suppress(Exception):
            self.command("browser.close", {}, timeout=timeout)
        with suppress(Exception):
            self._stack.close()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(self.process)
        shutil.rmtree(self.profile, ignore_errors=True)

    # ------------------------------------------------------------------ protocol

    def command(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30.0) -> dict[str, Any]:
        """Send one command and return its result, dispatching any events that arrive meanwhile."""
        self._next_id += 1
        ident = self._next_id
        self._ws.send(json.dumps({"id": ident, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{method}: no answer in {timeout:.0f} s")
            message = json.loads(self._ws.recv(timeout=left))
            if message.get("id") == ident:
                if message.get("type") == "error":
                    raise BiDiError(method, message.get("error", "?"), message.get("message", ""))
                result: dict[str, Any] = message.get("result", {})
                return result
            self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        if message.get("type") == "event":
            for handler in list(self._handlers.get(message["method"], [])):
                handler(message.get("params", {}))

    def pump(self, seconds: float) -> None:
        """Read and dispatch events for ``seconds`` (used when a test waits without sending commands)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self._dispatch(json.loads(self._ws.recv(timeout=left)))
            except TimeoutError:
                return

    @contextmanager
    def listen(self, event: str, handler: Callable[[dict[str, Any]], None]) -> Iterator[None]:
        """Call ``handler(params)`` for every ``event`` while the block runs (subscribed for its duration)."""
        self._handlers[event].append(handler)
        sub = self.command("session.subscribe", {"events": [event]}).get("subscription")
        try:
            yield
        finally:
            self._handlers[event].remove(handler)
            params = {"subscriptions": [sub]} if sub else {"events": [event]}
            with suppress(BiDiError):
                self.command("session.unsubscribe", params)

    # ------------------------------------------------------------------ tabs

    def tree(self) -> list[dict[str, Any]]:
        """The top-level browsing contexts (tabs) and their children."""
        contexts: list[dict[str, Any]] = self.command("browsingContext.getTree", {"maxDepth": 1})["contexts"]
        return contexts

    @contextmanager
    def tab(self, isolated: bool = True) -> Iterator[Tab]:
        """A new tab, by default in its own user context so no storage leaks between tests."""
        user_context = self.command("browser.createUserContext", {})["userContext"] if isolated else None
        params: dict[str, Any] = {"type": "tab"}
        if user_context:
            params["userContext"] = user_context
        tab = Tab(self, self.command("browsingContext.create", params)["context"])
        try:
            yield tab
        finally:
            try:
                self.command("browsingContext.close", {"context": tab.context})
                if user_context:
                    self.command("browser.removeUserContext", {"userContext": user_context})
            except BiDiError:
                pass


class Tab:
    """One browsing context: navigation, scripts and real input."""

    def __init__(self, firefox: Firefox, context: str) -> None:
        self.firefox = firefox
        self.context = context

    def navigate(self, url: str, timeout: float = 30.0) -> None:
        """Load ``url`` and return once the document's load event has fired."""
        self.firefox.command("browsingContext.navigate",
                             {"context": self.context, "url": url, "wait": "complete"}, timeout=timeout)

    def reload(self, timeout: float = 30.0) -> None:
        """Reload like the learner pressing F5 (pagehide/unload handlers run)."""
        self.firefox.command("browsingContext.reload", {"context": self.context, "wait": "complete"}, timeout=timeout)

    def _result(self, result: dict[str, Any]) -> Any:
        if result.get("type") == "exception":
            details = result.get("exceptionDetails", {})
            raise ScriptError(details.get("text") or json.dumps(details)[:500])
        return from_remote(result["result"])

    def evaluate(self, expression: str, await_promise: bool = True) -> Any:
        """Evaluate an expression in the page and return its value as Python."""
        return self._result(self.firefox.command("script.evaluate", {
            "expression": expression, "target": {"context": self.context},
            "awaitPromise": await_promise, "resultOwnership": "none",
        }))

    def call(self, function: str, *args: Any) -> Any:
        """Call ``function`` (JS source of a function) with Python arguments; return its value."""
        return self._result(self.firefox.command("script.callFunction", {
            "functionDeclaration": function, "arguments": [to_local(a) for a in args],
            "target": {"context": self.context}, "awaitPromise": True, "resultOwnership": "none",
        }))

    def wait_for(self, expression: str, timeout: float = 5.0, interval: float = 0.05) -> Any:
        """Poll ``expression`` until it is truthy; return that value (TimeoutError names the expression)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"still falsy after {timeout} s: {expression}")
            time.sleep(interval)

    def query(self, selector: str) -> NodeRef:
        """The first element matching ``selector`` (ScriptError if there is none)."""
        node = self.call("s => { const e = document.querySelector(s); if (!e) throw new Error('no ' + s); return e; }",
                         selector)
        if not isinstance(node, NodeRef):
            raise ScriptError(f"{selector} did not return a node")
        return node

    def click(self, selector: str) -> None:
        """A real mouse click at the element's centre (trusted events, counts as a user gesture)."""
        node = self.query(selector)
        # 'instant' beats CSS scroll-behavior: smooth (the transcript box has it): a box still scrolling
        # moves the button between pointerdown and pointerup, and the click lands on its paragraph.
        self.call("""async e => {
            e.scrollIntoView({block: 'center', behavior: 'instant'});
            const frame = () => new Promise(r => requestAnimationFrame(() => r(e.getBoundingClientRect().y)));
            for (let i = 0, y = await frame(); i < 50; i++) { const z = await frame(); if (z === y) break; y = z; }
        }""", node)
        self.firefox.command("input.performActions", {"context": self.context, "actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [
                {"type": "pointerMove", "x": 0, "y": 0,
                 "origin": {"type": "element", "element": {"sharedId": node.shared_id}}},
                {"type": "pointerDown", "button": 0},
                {"type": "pointerUp", "button": 0},
            ],
        }]})
        self.firefox.command("input.releaseActions", {"context": self.context})

    def type_text(self, text: str) -> None:
        """Type ``text`` into the focused element with real key events (input events fire per key)."""
        keys: list[dict[str, Any]] = []
        for ch in text:
            keys += [{"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch}]
        self.firefox.command("input.performActions", {"context": self.context, "actions": [
            {"type": "key", "id": "keyboard", "actions": keys},
        ]})
        self.firefox.command("input.releaseActions", {"context": self.context})


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the Firefox we started: its own process group (parent and content processes), then reap it."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.kill()
    if process.returncode is None:
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
