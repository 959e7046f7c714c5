"""A real local LRS: ralph-malph in a subprocess, behind a thin same-origin front.

Shared by ``scorm-builder preview --target xapi|cmi5`` and the browser tests; ralph comes with the
optional extra ``scorm-builder[lrs]`` (``require_lrs`` says so in one line when it is missing).

ralph serves only the Statements resource. The front (127.0.0.1 only) serves:

* the unzipped package under ``/pkg/`` with Range support (video seeking),
* ``/xapi/statements``: forwarded to ralph as it is (headers, query, body), every POST recorded,
* ``/xapi/activities/state``, ``/xapi/agents/profile``, ``/xapi/about``: implemented here,
* ``/cmi5/fetch/<id>``: a one-time cmi5 fetch URL (every call counted),
* the LMS side of a cmi5 launch (``Cmi5Lms``), which writes ``LMS.LaunchData`` and builds the URL.

Being on the package's origin avoids CORS, as a same-origin LRS proxy would in an LMS. ralph can be
stopped and started again mid-test (``Ralph.stop`` / ``Ralph.start``) to make an outage.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorm_builder.errors import ScormBuilderError
from scorm_builder.preview import RangeRequestHandler, make_server

LRS_MODULES = ("ralph", "uvicorn", "requests")
INSTALL_HINT = 'pip install "scorm-builder[lrs]"'
USER, PASSWORD = "lms", "secret-lms-password"
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
XAPI_HEADERS = ("Authorization", "X-Experience-API-Version", "Content-Type")


class LrsMissing(ScormBuilderError):
    """The optional LRS (ralph-malph, uvicorn, requests) is not installed."""


class LrsFailed(ScormBuilderError):
    """The local LRS could not be started."""


def require_lrs() -> None:
    """Raise ``LrsMissing`` with the install command when the ``lrs`` extra is not installed."""
    import importlib.util

    missing = [m for m in LRS_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise LrsMissing(f"previewing xapi or cmi5 needs a local LRS ({', '.join(missing)} missing): "
                         f"{INSTALL_HINT}")


def free_port() -> int:
    """A port of 127.0.0.1 free at the time of asking."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Ralph:
    """ralph-malph's LRS (filesystem backend) on 127.0.0.1; statements survive stop/start."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        (workdir / "statements").mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ)
        self.env.update({
            "RALPH_APP_DIR": str(workdir / "app"),
            "RALPH_AUTH_FILE": str(workdir / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(workdir / "statements"),
            "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": "1000",
        })
        try:
            subprocess.run(
                [sys.executable, "-m", "ralph", "auth", "-u", USER, "-p", PASSWORD, "-s", "all",
                 "-M", "mailto:lms@example.org", "-w"],
                env=self.env, check=True, capture_output=True, timeout=120,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            output = getattr(error, "stderr", b"") or b""
            raise LrsFailed(f"the local LRS (ralph) could not write its users: {output.decode(errors='replace')[-500:]}"
                            ) from error

    def start(self, timeout: float = 60.0) -> None:
        if self.process is not None:
            return
        log = (self.dir / "ralph.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scorm_builder.preview.ralph_app", str(self.port)],
            env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise LrsFailed("the local LRS (ralph) exited: " + (self.dir / "ralph.log").read_text()[-2000:])
            try:
                with urllib.request.urlopen(self.url + "/__heartbeat__", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise LrsFailed(f"the local LRS (ralph) did not start within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def statements(self, registration: str | None = None) -> list[dict[str, Any]]:
        """Every statement ralph holds (optionally for one registration), oldest timestamp first."""
        found: list[dict[str, Any]] = []
        url: str | None = self.url + "/xAPI/statements?limit=1000"
        while url:
            req = urllib.request.Request(url, headers={"Authorization": BASIC, "X-Experience-API-Version": "1.0.3"})
            with urllib.request.urlopen(req, timeout=10) as res:
                body = json.loads(res.read())
            found += body["statements"]
            more = body.get("more")
            url = self.url + more if more else None
        if registration is not None:
            found = [s for s in found if s.get("context", {}).get("registration") == registration]
        return sorted(found, key=lambda s: s["timestamp"])


def agent_key(agent: Any) -> str:
    """The Agent's identifier, however its JSON was written (the AU and the LMS may differ)."""
    if isinstance(agent, str):
        agent = json.loads(agent)
    for ifi in ("mbox", "mbox_sha1sum", "openid"):
        if agent.get(ifi):
            return f"{ifi}:{agent[ifi]}"
    account = agent.get("account") or {}
    return f"account:{account.get('homePage')}|{account.get('name')}"


@dataclass
class Front:
    """What the front has seen and holds; tests read and tweak these."""

    ralph: Ralph
    url: str = ""
    root: Path = Path()
    accepted: set[str] = field(default_factory=lambda: {BASIC})
    state: dict[tuple[str, str, str, str], bytes] = field(default_factory=dict)
    profiles: dict[tuple[str, str], bytes] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)     # every /xapi request
    posts: list[dict[str, Any]] = field(default_factory=list)        # statement POSTs: ids, status
    fetches: Counter[str] = field(default_factory=Counter)           # cmi5 fetch id -> calls
    tokens: dict[str, str] = field(default_factory=dict)             # cmi5 fetch id -> auth-token
    refuse_if: set[str] = field(default_factory=set)                   # POSTs whose body contains one of these: 400
    refused: list[str] = field(default_factory=list)                 # paths answered 401
    preflights: list[str] = field(default_factory=list)              # CORS OPTIONS requests seen
    lock: threading.Lock = field(default_factory=threading.Lock)

    def state_doc(self, activity: str, agent: Any, registration: str, state_id: str) -> Any:
        raw = self.state.get((activity, agent_key(agent), registration or "", state_id))
        return None if raw is None else json.loads(raw)

    def put_state(self, activity: str, agent: Any, registration: str, state_id: str, doc: Any) -> None:
        self.state[(activity, agent_key(agent), registration or "", state_id)] = json.dumps(doc).encode()

    def posted_ids(self, accepted_only: bool = True) -> list[str]:
        """Statement ids in the order the front forwarded them (accepted POSTs only, by default)."""
        ids: list[str] = []
        for post in self.posts:
            if not accepted_only or 200 <= post["status"] < 300:
                ids += post["ids"]
        return ids


class FrontHandler(RangeRequestHandler):
    front: Front

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # ---------------------------------------------------------------- plumbing

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _cors(self) -> None:
        # an LMS serves the package from its own origin: the LRS must allow it (preflight included)
        origin = self.headers.get("Origin")
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")

    def _send(self, status: int, body: bytes = b"", ctype: str = "application/json") -> None:
        self.send_response(status)
        self._cors()
        if body:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Experience-API-Version", "1.0.3")
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _json(self, status: int, value: Any) -> None:
        self._send(status, json.dumps(value).encode())

    def _route(self, method: str) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path
        query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        if path.startswith("/xapi/"):
            body = self._body() if method in ("POST", "PUT") else b""
            with self.front.lock:
                self.front.requests.append({"method": method, "path": path, "query": query,
                                            "headers": {h: self.headers.get(h) for h in XAPI_HEADERS}})
            self._xapi(method, path[len("/xapi/"):], query, body, parsed.query)
        elif path.startswith("/cmi5/fetch/") and method == "POST":
            self._fetch(path.rsplit("/", 1)[1])
        elif path.startswith("/cmi5/fetch/"):
            self._send(405)
        elif path == "/lms/return":
            self._send(200, b"<!doctype html><title>LMS</title><p id='lms'>Back in the LMS</p>", "text/html")
        elif method in ("GET", "HEAD"):
            super().do_GET() if method == "GET" else super().do_HEAD()
        else:
            self._send(405)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._route("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._route("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._route("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._route("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._route("DELETE")

    def do_OPTIONS(self) -> None:  # noqa: N802 - CORS preflight for /xapi/ and the fetch URL
        with self.front.lock:
            self.front.preflights.append(urllib.parse.urlsplit(self.path).path)
        self.send_response(204)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
        self.send_header("Access-Control-Allow-Headers", ", ".join(XAPI_HEADERS))
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    # ---------------------------------------------------------------- xAPI

    def _xapi(self, method: str, resource: str, query: dict[str, str], body: bytes, raw_query: str) -> None:
        if resource == "about":
            self._json(200, {"version": ["1.0.3"]})
            return
        if self.headers.get("X-Experience-API-Version") is None:
            self._json(400, {"error": "X-Experience-API-Version header missing"})
            return
        if self.headers.get("Authorization") not in self.front.accepted:
            with self.front.lock:
                self.front.refused.append(resource)
            self._json(401, {"error": "unauthorised"})
            return
        if resource == "statements":
            self._statements(method, body, raw_query)
        elif resource == "activities/state":
            self._state(method, query, body)
        elif resource == "agents/profile":
            self._profile(method, query, body)
        else:
            self._send(404)

    def _statements(self, method: str, body: bytes, raw_query: str) -> None:
        if method == "POST" and self.front.refuse_if and any(i in body.decode("utf-8", "replace")
                                                           for i in self.front.refuse_if):
            with self.front.lock:
                self.front.posts.append({"ids": [], "status": 400, "bytes": len(body), "verbs": []})
            self._json(400, {"error": "statement refused by the test"})
            return
        # ralph knows only its own users: forward with the LMS's credentials once the front accepted the caller
        url = self.front.ralph.url + "/xAPI/statements" + (f"?{raw_query}" if raw_query else "")
        headers = {"Authorization": BASIC, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
        data = body if method in ("POST", "PUT") else None
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                status, answer = res.status, res.read()
        except urllib.error.HTTPError as err:
            status, answer = err.code, err.read()
        except OSError:
            status, answer = 503, b'{"error": "LRS unreachable"}'
        if method == "POST":
            try:
                sent = json.loads(body)
            except ValueError:
                sent = None
            sent = sent if isinstance(sent, list) else [sent]
            ids = [s.get("id") for s in sent if isinstance(s, dict)]
            with self.front.lock:
                self.front.posts.append({"ids": ids, "status": status, "bytes": len(body),
                                         "verbs": [s.get("verb", {}).get("id") for s in sent if isinstance(s, dict)],
                                         "statements": [s for s in sent if isinstance(s, dict)]})
        self._send(status, answer)

    def _state(self, method: str, query: dict[str, str], body: bytes) -> None:
        try:
            key = (query["activityId"], agent_key(query["agent"]), query.get("registration", ""), query["stateId"])
        except (KeyError, ValueError):
            self._json(400, {"error": "activityId, agent and stateId are required"})
            return
        store = self.front.state
        with self.front.lock:
            if method == "GET":
                if key in store:
                    self._send(200, store[key])
                else:
                    self._send(404)
            elif method == "PUT":
                store[key] = body
                self._send(204)
            elif method == "POST":
                merged = json.loads(store.get(key, b"{}"))
                merged.update(json.loads(body))
                store[key] = json.dumps(merged).encode()
                self._send(204)
            elif method == "DELETE":
                store.pop(key, None)
                self._send(204)

    def _profile(self, method: str, query: dict[str, str], body: bytes) -> None:
        key = (agent_key(query["agent"]), query["profileId"])
        with self.front.lock:
            if method == "GET":
                if key in self.front.profiles:
                    self._send(200, self.front.profiles[key])
                else:
                    self._send(404)
            elif method == "PUT":
                self.front.profiles[key] = body
                self._send(204)

    # ---------------------------------------------------------------- cmi5

    def _fetch(self, fetch_id: str) -> None:
        with self.front.lock:
            self.front.fetches[fetch_id] += 1
            token = self.front.tokens.get(fetch_id)
            first = self.front.fetches[fetch_id] == 1
        if token and first:
            self._json(200, {"auth-token": token})
        else:  # cmi5 8.2: errors come back as 200 with an error-code
            self._json(200, {"error-code": "1", "error-text": "already used or unknown"})


@contextmanager
def lrs_front(root: Path, ralph: Ralph) -> Iterator[Front]:
    """Serve ``root`` (package under ``root/pkg``) and the xAPI front on a free port of 127.0.0.1."""
    front = Front(ralph=ralph, root=root)

    class Handler(FrontHandler):
        pass

    Handler.front = front
    server: Any = make_server(root, 0, Handler)
    front.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield front
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def running_ralph() -> Iterator[Ralph]:
    with tempfile.TemporaryDirectory(prefix="ralph-") as tmp:
        ralph = Ralph(Path(tmp))
        ralph.start()
        try:
            yield ralph
        finally:
            ralph.stop()


def tincan_url(front: Front, page: str, actor: dict[str, Any], registration: str, *,
               activity_id: str | None = None, auth: str = BASIC, endpoint_slash: bool = True,
               package_base: str | None = None) -> str:
    """The launch URL an xAPI launcher (e.g. Moodle's TinCan Launch Link) opens."""
    params = {"endpoint": front.url + "/xapi" + ("/" if endpoint_slash else ""), "auth": auth,
              "actor": json.dumps(actor), "registration": registration}
    if activity_id:
        params["activity_id"] = activity_id
    return f"{package_base or front.url}/pkg/{page}?{urllib.parse.urlencode(params)}"


class Cmi5Lms:
    """The LMS side of a cmi5 launch: a fetch URL, LMS.LaunchData, the launch URL."""

    def __init__(self, front: Front) -> None:
        self.front = front
        self.sessions: list[str] = []

    def launch_url(self, au_url: str, actor: dict[str, Any], registration: str, publisher_id: str, *,
                   mode: str = "Normal", return_url: str | None = None,
                   activity_id: str | None = None, preferences: dict[str, Any] | None = None) -> str:
        fetch_id = uuid.uuid4().hex
        token = base64.b64encode(f"au-{fetch_id}:x".encode()).decode()
        self.front.tokens[fetch_id] = token
        self.front.accepted.add("Basic " + token)
        session = str(uuid.uuid4())
        self.sessions.append(session)
        activity = activity_id or publisher_id + "/lms-activity"
        launch_data: dict[str, Any] = {
            "contextTemplate": {
                "contextActivities": {"grouping": [{"objectType": "Activity", "id": publisher_id}]},
                "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": session},
            },
            "launchMode": mode,
            "moveOn": "Completed",
        }
        if return_url:
            launch_data["returnURL"] = return_url
        self.front.put_state(activity, actor, registration, "LMS.LaunchData", launch_data)
        if preferences is not None:
            self.front.profiles[(agent_key(actor), "cmi5LearnerPreferences")] = json.dumps(preferences).encode()
        params = {"endpoint": self.front.url + "/xapi/", "fetch": f"{self.front.url}/cmi5/fetch/{fetch_id}",
                  "actor": json.dumps(actor), "registration": registration, "activityId": activity}
        return f"{self.front.url}/pkg/{au_url}?{urllib.parse.urlencode(params)}"
