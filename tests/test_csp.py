"""Content-Security-Policy: every page of every package carries it, and a remote load is blocked.

The browser part opens a built page from file:// (a double-clicked index.html) and over HTTP, with
an ``<img>`` pointing at a local server injected into it: the server must hear nothing, the page must
fire a ``securitypolicyviolation``, and the page must still work (Blob captions, downloads, saving).
Without the policy the same injected image does reach the server, so the check can fail.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from scorm_builder.build import build_course
from scorm_builder.compact import compact
from tests.conftest import ROOT
from tests.support.server import serve

EXAMPLE = ROOT / "course_src" / "kind-handovers"
TARGETS = ["web", "scorm12", "scorm2004", "xapi", "cmi5"]
CSP_META = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
BASE_POLICY = ("default-src 'none'; script-src 'self'{scripts}; style-src 'self'{styles}; img-src 'self' data:; "
               "media-src 'self' blob:; font-src 'self'; connect-src {connect}; base-uri 'none'")
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.DOTALL)
INLINE_STYLE = re.compile(rb"<style>(.*?)</style>", re.DOTALL)


def _hash(code: bytes) -> str:
    return " 'sha256-" + base64.b64encode(hashlib.sha256(code).digest()).decode() + "'"


@pytest.mark.parametrize("target", TARGETS)
def test_every_page_carries_the_policy_first(tmp_path: Path, target: str) -> None:
    """The policy allows 'self' and, in a web build, exactly the page's own inline code by hash:
    the stylesheet and the runtime and page scripts as shipped (scorm_builder/inline.py)."""
    [result] = build_course(EXAMPLE, [target], tmp_path).results
    connect = "https: http:" if target in ("xapi", "cmi5") else "'none'"
    runtime = ROOT / "scorm_builder" / "runtime" / "local.js"
    own = {**{f"assets/{n}": compact(n, (ROOT / "templates" / "assets" / n).read_bytes())
              for n in ("step.css", "step.js")},
           "assets/runtime-local.js": compact("local.js", runtime.read_bytes())}
    with zipfile.ZipFile(result.path) as zf:
        pages = [n for n in zf.namelist() if n.endswith(".html")]
        assert pages
        for name in pages:
            html = zf.read(name)
            [policy] = CSP_META.findall(html)
            head = html[: html.index(b"<meta http-equiv")]
            assert b"<script" not in head and b"<link" not in head, f"{name}: something loads before the CSP"
            code = [body for attrs, body in INLINE_SCRIPT.findall(html) if b'type="application/json"' not in attrs]
            styles = INLINE_STYLE.findall(html)
            assert b" style=" not in html, f"{name}: inline style attribute"
            if target == "web":
                # the same code as the files would have held, less the empty lines kept for line numbers
                squeeze = [re.sub(rb"\n\s*\n+", b"\n", own[k]).strip(b"\n")
                           for k in ("assets/runtime-local.js", "assets/step.js", "assets/step.css")]
                assert code == squeeze[:2] and styles == squeeze[2:], name
                assert not any(n in zf.namelist() for n in own), "inlined assets are not shipped as files too"
            else:
                assert code == [] and styles == [], f"{name}: inline code in an LMS package"
            expected = BASE_POLICY.format(connect=connect, scripts="".join(_hash(c) for c in code),
                                          styles="".join(_hash(c) for c in styles))
            assert policy.decode() == expected, name


class _Counter(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(b"GIF89a")

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture()
def remote() -> Iterator[tuple[str, list[str]]]:
    """A server standing for a remote host: its URL and the paths it was asked for."""
    hits: list[str] = []
    handler = type("Counter", (_Counter,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def web_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("csp")
    [result] = build_course(EXAMPLE, ["web"], out).results
    folder = out / "site"
    with zipfile.ZipFile(result.path) as zf:
        zf.extractall(folder)
    return folder


def _inject(folder: Path, url: str, *, keep_policy: bool = True) -> Path:
    page = folder / "index.html"
    html = page.read_text("utf-8")
    if not keep_policy:
        html = CSP_META.sub(b"", html.encode()).decode()
    html = html.replace("</main>", f'<img id="evil" alt="" src="{url}/pixel.gif"></main>', 1)
    hostile = folder / "hostile.html"
    hostile.write_text(html, "utf-8")
    return hostile


WATCH = """window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push({uri: e.blockedURI, directive: e.effectiveDirective}));"""


def _open_and_settle(page: Any, url: str) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(WATCH)
    page.goto(url)
    page.wait_for_function("document.getElementById('sb-media').readyState >= 1")
    page.wait_for_function("document.getElementById('evil').complete")
    page.wait_for_timeout(300)
    return errors


def _page_still_works(page: Any) -> None:
    assert page.evaluate("document.getElementById('sb-track').src").startswith("blob:")
    page.wait_for_function("document.getElementById('sb-media').textTracks[0].cues.length > 3")
    assert page.evaluate("document.getElementById('sb-dl-txt').href").startswith("blob:")
    page.get_by_label(re.compile("^Think about the last handover")).fill("Kept under the policy")
    page.wait_for_function("/Draft saved at/.test(document.getElementById('sb-status').textContent)",
                           timeout=6000)


@pytest.mark.browser
@pytest.mark.parametrize("how", ["file", "http"])
def test_remote_image_is_blocked_and_the_page_works(page: Any, web_folder: Path,
                                                    remote: tuple[str, list[str]], how: str) -> None:
    url, hits = remote
    hostile = _inject(web_folder, url)
    with serve(web_folder) as server:
        address = hostile.as_uri() if how == "file" else f"{server.url}/{hostile.name}"
        errors = _open_and_settle(page, address)
        violations = page.evaluate("window.__csp")
        _page_still_works(page)
    assert hits == [], "the remote server was reached despite the policy"
    assert {"uri": f"{url}/pixel.gif", "directive": "img-src"} in violations
    assert [v for v in violations if v["uri"] != f"{url}/pixel.gif"] == [], "the page's own loads were blocked"
    assert errors == []


@pytest.mark.browser
def test_without_the_policy_the_same_image_reaches_the_server(page: Any, web_folder: Path,
                                                              remote: tuple[str, list[str]]) -> None:
    url, hits = remote
    _open_and_settle(page, _inject(web_folder, url, keep_policy=False).as_uri())
    assert hits == ["/pixel.gif"]
    assert page.evaluate("window.__csp") == []
