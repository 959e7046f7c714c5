"""``scorm-builder preview``: build, serve inside an LMS simulator page, rebuild when a file changes.

One server on 127.0.0.1 answers:

* ``/``: the simulator page (``simulator.html`` with ``simulator.js``, ``lms.js``, ``simulator.css``),
* ``/pkg/...``: the current build, unzipped (Range requests answered, for video seeking),
* ``/__preview/state``: the build generation, its errors (``file:line: message``) and warnings, the launch page,
* ``/__preview/launch`` (xapi, cmi5): a launch URL for the local LRS, in a mode, for a fresh or the same attempt,
* ``/__preview/statements?since=N``: the statements the LRS front received,
* ``/xapi/...``, ``/cmi5/fetch/...``: the LRS front of ``lrs.py`` (xapi and cmi5 only).

A thread polls the course folder's file times and sizes (no watcher dependency) and rebuilds on a
change; the page polls ``/__preview/state`` and reloads the package when the generation changes.
"""

from __future__ import annotations

import http.server
import json
import shutil
import threading
import urllib.parse
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

from scorm_builder.errors import PackageInvalid, ScormBuilderError, SourceError, SourceErrors
from scorm_builder.preview import PortUnavailable, RangeRequestHandler, make_server

SCORM_TARGETS = ("scorm12", "scorm2004")
LRS_TARGETS = ("xapi", "cmi5")
ASSETS = {"lms.js": "text/javascript", "simulator.js": "text/javascript", "simulator.css": "text/css"}
LEARNER = {"objectType": "Agent", "name": "Preview Learner",
           "account": {"homePage": "http://127.0.0.1", "name": "preview-learner"}}
Snapshot = dict[str, tuple[int, int]]


def error_lines(error: ScormBuilderError) -> list[str]:
    """One line per problem, as the CLI prints them (``file:line:col: message (hint)``)."""
    if isinstance(error, SourceErrors):
        return [str(e) for e in error.errors]
    if isinstance(error, SourceError):
        return [str(error)]
    if isinstance(error, PackageInvalid):
        return list(error.problems)
    return str(error).splitlines() or [type(error).__name__]


def course_files(course_dir: Path) -> Snapshot:
    """Every file of the course (hidden ones left out) with its modification time and size."""
    found: Snapshot = {}
    for path in sorted(course_dir.rglob("*")):
        relative = path.relative_to(course_dir)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        found[relative.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


def launch_info(package: Path, target: str) -> dict[str, Any]:
    """The package's launch page (and activity ids for xAPI/cmi5, every SCO for SCORM), from its manifest."""
    def read(name: str) -> Any:
        path = package / name
        if not path.is_file():
            return None
        return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))

    def first(tree: Any, xpath: str) -> str:
        found = tree.xpath(xpath) if tree is not None else []
        return str(found[0]).strip() if found else ""

    if target == "xapi":
        tincan = read("tincan.xml")
        return {"launch": first(tincan, "//*[local-name()='activity'][1]/*[local-name()='launch']/text()"),
                "activity": first(tincan, "//*[local-name()='activity'][1]/@id")}
    if target == "cmi5":
        cmi5 = read("cmi5.xml")
        return {"launch": first(cmi5, "//*[local-name()='au'][1]/*[local-name()='url']/text()"),
                "activity": first(cmi5, "//*[local-name()='au'][1]/@id")}
    if target in SCORM_TARGETS:
        manifest = read("imsmanifest.xml")
        scos: list[str] = []
        if manifest is not None:
            for ref in manifest.xpath("//*[local-name()='item']/@identifierref"):
                href = manifest.xpath("//*[local-name()='resource'][@identifier=$ref]/@href", ref=str(ref))
                if href:
                    scos.append(str(href[0]))
        return {"launch": scos[0] if scos else "index.html", "scos": scos or ["index.html"]}
    return {"launch": "index.html"}


@dataclass
class PreviewState:
    """What the page asks for: the build generation, its outcome and where to launch it."""

    course_dir: Path
    target: str
    root: Path
    generation: int = 0
    ok: bool = False
    course: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def as_json(self) -> dict[str, Any]:
        with self.lock:
            return {"generation": self.generation, "ok": self.ok, "course": self.course, "target": self.target,
                    "errors": list(self.errors), "warnings": list(self.warnings), **self.info}


Builder = Callable[[Path, list[str], Path], Any]


class Preview:
    """Builds ``course_dir`` for one target into ``root/pkg`` and keeps it current."""

    def __init__(self, course_dir: Path, target: str, root: Path, builder: Builder | None = None) -> None:
        self.state = PreviewState(course_dir, target, root)
        self.builder = builder
        self.seen: Snapshot = {}
        self.stopping = threading.Event()
        self.registration = str(uuid.uuid4())
        self.front: Any = None   # lrs.Front for xapi and cmi5
        self.cmi5: Any = None    # lrs.Cmi5Lms

    def rebuild(self) -> bool:
        """Build once; on success swap the package in. Errors are kept for the page, never raised."""
        from scorm_builder.build import build_course

        state = self.state
        self.seen = course_files(state.course_dir)
        with state.lock:
            number = state.generation + 1
        out = state.root / f"dist-{number}"
        try:
            outcome = (self.builder or build_course)(state.course_dir, [state.target], out)
            staged = state.root / f"pkg-{number}"
            with zipfile.ZipFile(outcome.results[0].path) as archive:
                archive.extractall(staged)
            info = launch_info(staged, state.target)
        except ScormBuilderError as error:
            with state.lock:
                state.generation, state.ok, state.errors = number, False, error_lines(error)
            return False
        except Exception as error:  # a bug, or a file vanishing mid-build: shown in the page, the preview goes on
            with state.lock:
                state.generation, state.ok = number, False
                state.errors = [f"the build stopped unexpectedly: {type(error).__name__}: {error}"]
            return False
        finally:
            shutil.rmtree(out, ignore_errors=True)
        current = state.root / "pkg"
        with state.lock:
            old = state.root / f"old-{number}"
            if current.exists():
                current.rename(old)
            staged.rename(current)
            shutil.rmtree(old, ignore_errors=True)
            state.generation, state.ok, state.errors = number, True, []
            state.course = outcome.course_id
            state.warnings = [str(w) for w in outcome.warnings]
            state.info = info
        return True

    def changed(self) -> bool:
        return course_files(self.state.course_dir) != self.seen

    def watch(self, interval: float = 0.5, on_build: Callable[[bool], None] | None = None) -> None:
        """Poll the course files until ``stop()``; rebuild after a change (once it has settled)."""
        while not self.stopping.wait(interval):
            if not self.changed():
                continue
            before = course_files(self.state.course_dir)
            if self.stopping.wait(0.2) or course_files(self.state.course_dir) != before:
                continue  # still being written: look again next round
            ok = self.rebuild()
            if on_build:
                on_build(ok)

    def stop(self) -> None:
        self.stopping.set()

    def launch(self, mode: str, fresh: bool) -> str:
        """An xAPI (TinCan) or cmi5 launch URL of the current package, for the same or a new attempt."""
        from scorm_builder.preview.lrs import tincan_url

        if fresh:
            self.registration = str(uuid.uuid4())
        info = self.state.as_json()
        if self.state.target == "cmi5":
            return str(self.cmi5.launch_url(info["launch"], LEARNER, self.registration, info["activity"],
                                            mode=mode, return_url=self.front.url + "/__preview/returned"))
        return tincan_url(self.front, info["launch"], LEARNER, self.registration, activity_id=info["activity"])

    def statements(self, since: int) -> list[dict[str, Any]]:
        """Statements the LRS front received after the first ``since``, with the LRS's answer."""
        if self.front is None:
            return []
        with self.front.lock:
            posts = list(self.front.posts)
        flat = [{"status": post["status"], "statement": s} for post in posts for s in post.get("statements", [])]
        return flat[since:]


def asset(name: str) -> bytes:
    """A file of the simulator, from the installed package."""
    return resources.files("scorm_builder.preview").joinpath(name).read_bytes()


def simulator_page(preview: Preview) -> bytes:
    page = asset("simulator.html").decode("utf-8")
    return page.replace("{{target}}", preview.state.target).encode("utf-8")


def handler_for(preview: Preview) -> type[RangeRequestHandler]:
    """The request handler class: the simulator's routes, then the LRS front (xapi, cmi5) or static files."""
    from scorm_builder.preview.lrs import FrontHandler

    class Handler(FrontHandler):
        @property
        def front(self) -> Any:
            return preview.front

        @front.setter
        def front(self, value: Any) -> None:
            preview.front = value

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _preview(self, method: str) -> bool:
            parsed = urllib.parse.urlsplit(self.path)
            path = parsed.path
            query = dict(urllib.parse.parse_qsl(parsed.query))
            if path in ("/", "/index.html") and method in ("GET", "HEAD"):
                self._reply(200, simulator_page(preview), "text/html; charset=utf-8")
            elif path.startswith("/__preview/") and path[11:] in ASSETS and method in ("GET", "HEAD"):
                self._reply(200, asset(path[11:]), ASSETS[path[11:]] + "; charset=utf-8")
            elif path == "/__preview/state":
                self._reply(200, json.dumps(preview.state.as_json()).encode(), "application/json")
            elif path == "/__preview/statements":
                since = int(query.get("since", "0") or 0)
                self._reply(200, json.dumps(preview.statements(since)).encode(), "application/json")
            elif path == "/__preview/launch" and preview.front is not None:
                url = preview.launch(query.get("mode", "Normal"), query.get("fresh") == "1")
                self._reply(200, json.dumps({"url": url}).encode(), "application/json")
            elif path == "/__preview/returned":
                self._reply(200, b"<!doctype html><html lang='en'><title>Returned to the LMS</title>"
                            b"<p id='sim-returned'>The AU returned to the LMS.</p></html>", "text/html")
            else:
                return False
            return True

        def _dispatch(self, method: str) -> None:
            if self._preview(method):
                return
            # only the package and the LRS front: the rest of the folder (the LRS's users file) stays private
            path = urllib.parse.urlsplit(self.path).path
            if not path.startswith(("/pkg/", "/xapi/", "/cmi5/")):
                self._reply(404, b"not found", "text/plain")
            elif preview.front is not None:
                self._route(method)
            elif method == "GET":
                super().do_GET()
            elif method == "HEAD":
                super().do_HEAD()
            else:
                self._reply(405, b"", "text/plain")

        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            self._dispatch("GET")

        def do_HEAD(self) -> None:  # noqa: N802
            self._dispatch("HEAD")

        def do_POST(self) -> None:  # noqa: N802
            self._dispatch("POST")

        def do_PUT(self) -> None:  # noqa: N802
            self._dispatch("PUT")

        def do_DELETE(self) -> None:  # noqa: N802
            self._dispatch("DELETE")

        def do_OPTIONS(self) -> None:  # noqa: N802 - CORS preflights concern the LRS front only
            if preview.front is None:
                self._reply(405, b"", "text/plain")
            else:
                super().do_OPTIONS()

    return Handler


@contextmanager
def preview_server(course_dir: Path, target: str, port: int, root: Path,
                   on_build: Callable[[bool], None] | None = None,
                   interval: float = 0.5) -> Iterator[tuple[Preview, http.server.ThreadingHTTPServer]]:
    """Listen on 127.0.0.1:``port`` (``OSError`` when it cannot; 0 picks a free port), start the local LRS
    for xapi/cmi5 (``LrsMissing`` without the extra), build once, then serve and watch in threads."""
    from scorm_builder.preview.lrs import Cmi5Lms, Front, Ralph, require_lrs

    if target in LRS_TARGETS:
        require_lrs()
    preview = Preview(course_dir, target, root)
    try:
        server = make_server(root, port, handler_for(preview))
    except OSError as error:
        raise PortUnavailable(port, error) from error
    url = f"http://127.0.0.1:{server.server_address[1]}"
    ralph: Ralph | None = None
    threads: list[threading.Thread] = []
    try:
        if target in LRS_TARGETS:
            ralph = Ralph(root / "lrs")
            ralph.start()
            preview.front = Front(ralph=ralph, root=root, url=url)
            preview.cmi5 = Cmi5Lms(preview.front)
        preview.rebuild()
        threads = [threading.Thread(target=server.serve_forever, daemon=True),
                   threading.Thread(target=preview.watch, args=(interval, on_build), daemon=True)]
        for thread in threads:
            thread.start()
        yield preview, server
    finally:
        preview.stop()
        if threads:
            server.shutdown()
        server.server_close()
        for thread in threads[1:]:
            thread.join(timeout=5)
        if ralph is not None:
            ralph.stop()
