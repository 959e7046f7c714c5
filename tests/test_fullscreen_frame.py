"""Full screen inside an LMS frame (issue 8, item 4), in headless Chromium over HTTP.

The step's video uses the browser's own controls; the page adds no full-screen button of its own. Whether
a frame may go full screen is the Permissions Policy's ``fullscreen`` feature: allowed by default in a
frame of the same origin as the page around it (Moodle's SCORM player serves the package from its own
site), refused in a frame of another origin unless the iframe has ``allowfullscreen`` (or
``allow="fullscreen"``), and refused anywhere with ``allow="fullscreen 'none'"``. Four frames:

- the SCORM 1.2 package in scorm-again's test LMS page (tests/scorm_host/host12.html, same origin),
  as it is (no attribute) and with ``allow="fullscreen 'none'"``;
- the web package framed from another origin (another port), without and with ``allowfullscreen``.

Where full screen is refused: ``document.fullscreenEnabled`` is false, the full-screen button of the
video's controls is disabled by the browser (Chromium keeps it in the bar, greyed and not operable; read
through the DevTools protocol, as the controls are not in the page's DOM), ``requestFullscreen`` is
refused, and the page still works (captions, caption settings, a transcript
seek, a submitted reflection, no script error). Where it is allowed: the button is there, the video
goes full screen, and captions chosen "Below the video" (a region outside the video, which full screen
would hide) are drawn by the browser over the video while full screen lasts, then go back below.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import test_scorm12_runtime as s12
from tests.support.server import serve
from tests.test_xapi_runtime import COURSE, build

pytestmark = pytest.mark.browser

HOST = Path(__file__).resolve().parent / "scorm_host"
MEDIA = "document.getElementById('sb-media')"
FULLSCREEN_BUTTONS = {"-webkit-media-controls-fullscreen-button"}
FRAME_TAG = '<iframe id="sco" title="Course content"></iframe>'
# name: (package, iframe attribute, full screen allowed)
FRAMES = {
    "scorm12, same origin, no attribute": ("scorm12", "", True),
    "scorm12, same origin, allow=fullscreen 'none'": ("scorm12", 'allow="fullscreen \'none\'"', False),
    "web, other origin, no attribute": ("web", "", False),
    "web, other origin, allowfullscreen": ("web", "allowfullscreen", True),
}


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {t: build(t, COURSE, tmp_path_factory.mktemp(f"fs-{t}")) for t in ("scorm12", "web")}


@pytest.fixture()
def framed(page: Any, tmp_path: Path, packages: dict[str, Path], request: pytest.FixtureRequest) -> Iterator[Any]:
    """The step inside the frame named by the test's parameter; yields the frame."""
    target, attribute, _ = FRAMES[request.param]
    shutil.copytree(HOST, tmp_path / "host")
    shutil.copy(s12.SCORM_AGAIN, tmp_path / "host" / "scorm-again.js")
    shutil.copytree(packages[target], tmp_path / "pkg")
    host = (tmp_path / "host" / "host12.html").read_text(encoding="utf-8")
    assert FRAME_TAG in host
    (tmp_path / "host" / "frame.html").write_text(
        host.replace(FRAME_TAG, FRAME_TAG.replace("<iframe ", f"<iframe {attribute} ")), encoding="utf-8")
    # another origin: the same files on a second port (same site, so the browser's third-party storage
    # rules, which are not what is tested here, leave the page's local storage alone)
    with serve(tmp_path) as server, serve(tmp_path) as other:
        page.goto(f"{server.url}/host/frame.html")
        inner = server.url if target == "scorm12" else other.url
        page.evaluate("u => launch(u, {})", inner + "/pkg/index.html")
        frame = page.wait_for_selector("#sco").content_frame()
        frame.wait_for_url(inner + "/pkg/index.html")   # not the frame's first, empty document
        frame.wait_for_load_state("load")
        frame.wait_for_function("document.getElementById('sb-media').readyState >= 1")
        frame.wait_for_function("document.querySelectorAll('#sb-transcript .sb-seek').length > 0")
        assert frame.evaluate("window.top !== window")
        yield frame


def native_fullscreen_buttons(page: Any, frame: Any) -> list[dict[str, Any]]:
    """Every full-screen button in the framed video's own controls (the bar's and the overflow menu's),
    with whether it is displayed and whether it is disabled."""
    cdp = page.context.new_cdp_session(page)    # a frame of the same site is part of the page's document
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]

    def nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield node
        for key in ("children", "shadowRoots", "pseudoElements"):
            for child in node.get(key, []):
                yield from nodes(child)
        if "contentDocument" in node:
            yield from nodes(node["contentDocument"])

    found = []
    videos = [n for n in nodes(root) if n.get("localName") == "video"]
    assert len(videos) == 1, "one video, inside the frame"
    for node in nodes(videos[0]):
        attributes = node.get("attributes", [])
        pairs = dict(zip(attributes[::2], attributes[1::2], strict=True))
        if pairs.get("pseudo") in FULLSCREEN_BUTTONS:
            style = cdp.send("CSS.getComputedStyleForNode", {"nodeId": node["nodeId"]})["computedStyle"]
            display = next(p["value"] for p in style if p["name"] == "display")
            found.append({"display": display, "disabled": "disabled" in pairs})
    cdp.detach()
    return found


REFUSED = [name for name, (_, _, allowed) in FRAMES.items() if not allowed]
ALLOWED = [name for name, (_, _, allowed) in FRAMES.items() if allowed]


@pytest.mark.parametrize("framed", REFUSED, indirect=True)
def test_where_full_screen_is_refused_no_control_offers_it_and_the_page_works(page: Any, framed: Any) -> None:
    frame = framed
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    assert frame.evaluate("document.fullscreenEnabled") is False
    buttons = native_fullscreen_buttons(page, frame)
    assert buttons, "the video's controls have a full-screen button"
    # Chromium disables it (greyed, not operable) where the frame may not go full screen
    assert all(b["display"] == "none" or b["disabled"] for b in buttons), buttons
    assert any(b["display"] != "none" for b in buttons), "the bar's button is shown, disabled"
    refused = frame.evaluate(f"{MEDIA}.requestFullscreen().then(() => 'entered', e => e.name)")
    assert refused == "TypeError" and frame.evaluate("document.fullscreenElement") is None

    # the page still works: captions, their settings, a seek from the transcript, the reflection
    frame.get_by_role("button", name="Captions").click()
    assert frame.evaluate(f"{MEDIA}.textTracks[0].mode") == "hidden"
    frame.get_by_role("button", name="Captions").click()
    frame.get_by_role("button", name="Caption settings").click()
    frame.get_by_label("Below the video").check()
    frame.get_by_role("button", name="Play from 0:11").click()
    frame.wait_for_function(f"!{MEDIA}.paused && {MEDIA}.currentTime >= 11")
    frame.wait_for_function("document.getElementById('sb-cap-below').textContent.trim().length > 0")
    frame.evaluate(f"{MEDIA}.pause()")
    frame.fill("#sb-text", "Written in a frame that does not allow full screen.")
    frame.get_by_role("button", name="Submit reflection").click()
    frame.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)", timeout=20000)
    assert errors == []


@pytest.mark.parametrize("framed", ALLOWED, indirect=True)
def test_where_full_screen_is_allowed_the_video_goes_full_screen_with_its_captions(page: Any, framed: Any) -> None:
    frame = framed
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    assert frame.evaluate("document.fullscreenEnabled") is True
    buttons = native_fullscreen_buttons(page, frame)
    assert any(b["display"] != "none" and not b["disabled"] for b in buttons), buttons

    # captions drawn below the video, outside it: full screen must not lose them
    frame.get_by_role("button", name="Caption settings").click()
    frame.get_by_label("Below the video").check()
    frame.get_by_role("button", name="Play from 0:11").click()
    frame.wait_for_function("document.getElementById('sb-cap-below').textContent.trim().length > 0")
    assert frame.evaluate(f"{MEDIA}.textTracks[0].mode") == "hidden"

    entered = frame.evaluate(f"{MEDIA}.requestFullscreen().then(() => 'entered', e => e.name)")
    assert entered == "entered"
    frame.wait_for_function(f"document.fullscreenElement === {MEDIA}")
    frame.wait_for_function(f"{MEDIA}.textTracks[0].mode === 'showing'")
    frame.wait_for_function(f"{MEDIA}.textTracks[0].activeCues.length > 0 && !{MEDIA}.paused")
    assert frame.evaluate("document.getElementById('sb-cap-below').hidden") is True

    frame.evaluate("document.exitFullscreen()")
    frame.wait_for_function("document.fullscreenElement === null")
    frame.wait_for_function(f"{MEDIA}.textTracks[0].mode === 'hidden'")
    frame.wait_for_function("!document.getElementById('sb-cap-below').hidden && "
                            "document.getElementById('sb-cap-below').textContent.trim().length > 0")
    frame.evaluate(f"{MEDIA}.pause()")
    assert errors == []
