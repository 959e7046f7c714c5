"""Section 6 of the benchmark: the built page in headless Chromium, and the LMS traffic of a learner.

Page load: the example's step page (web target) opened from ``file://`` beside a blank page with a
few buttons, alternated in one browser run, and, for information, the same blank page with one empty
``<script defer>`` file in its head: the floor that fetching any script from ``file://`` before
DOMContentLoaded sets, whatever the script does. An init script (it runs before any of the page's own)
watches the document and notes ``performance.now()`` the first time the page is *interactive*: every
transcript paragraph has its seek button ("Play from 0:04"), or for the blank page its buttons are
there. DOMContentLoaded comes from the Navigation Timing entry and the first contentful paint from the Paint
Timing entry, so all three figures share the time origin (the start of the navigation). Beside the
ratio of the medians (the figure the target is judged by), the median of the load-by-load ratios (each
step load over the blank load just before it) is shown: the blank page's own time swings with the
machine's load, and two loads in a row share it.

LMS traffic: the example's ``scorm12`` and ``scorm2004`` packages in scorm-again (tests/scorm_host,
the host the runtime tests use), served over HTTP; a learner opens the step, plays the video from a
transcript paragraph, types a reflection key by key, submits it and finishes. Every commit call
(``LMSCommit`` / ``Commit``) and finish is counted per action.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = ROOT / "tests" / "scorm_host"
SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist" / "scorm-again.js"
BLANK = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Blank</title></head>
<body><main><h1>Blank</h1><p>A page with a few buttons.</p>
<button type="button">One</button> <button type="button">Two</button> <button type="button">Three</button>
<button type="button">Four</button> <button type="button">Five</button></main></body></html>
"""
# The blank page with one empty deferred script (assets/empty.js beside it): the cost of the fetch alone.
BLANK_SCRIPT = BLANK.replace("<title>Blank</title>",
                             '<title>Blank</title><script defer src="assets/empty.js"></script>')
# Runs before the page's scripts; marks the first moment the page is interactive.
WATCH = """(() => {
  window.__sbReady = null;
  const ready = () => {
    if (window.__sbReady !== null) { return; }
    const paras = document.querySelectorAll('.sb-para[data-start]');
    let ok;
    if (paras.length) {
      const seeks = document.querySelectorAll('.sb-para .sb-seek');
      ok = seeks.length === paras.length && [...seeks].every((b) => !b.disabled);
    } else {
      ok = document.title === 'Blank' && document.querySelectorAll('button').length === 5;
    }
    if (ok) { window.__sbReady = performance.now(); observer.disconnect(); }
  };
  const observer = new MutationObserver(ready);
  observer.observe(document, { childList: true, subtree: true, attributes: true });
  document.addEventListener('DOMContentLoaded', ready);
})();"""
LEARNER_TEXT = "At my last handover I named one worry for each patient and asked how my colleague was."


@dataclass(frozen=True)
class Load:
    """Milliseconds from the start of navigation to DOMContentLoaded, to interactive and to the first
    contentful paint (the step page's scripts block rendering: it is painted once, with them run)."""

    dom_content_loaded: float
    interactive: float
    first_paint: float


def build(course: Path, target: str, out: Path, env: dict[str, str] | None = None) -> Path:
    """Build ``course`` for ``target`` with the CLI (``env``: the bench's, which names the code
    measured) and unpack it; returns the folder."""
    subprocess.run([sys.executable, "-m", "scorm_builder", "build", str(course), "--target", target, "--out",
                    str(out), "--quiet"], check=True, stdout=subprocess.DEVNULL, env=env or dict(os.environ),
                   cwd=out.parent)              # not this checkout's folder: -m imports from there first
    (archive,) = out.glob(f"*-{target}.zip")
    unpacked = out / target
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(unpacked)
    return unpacked


def _step_page(package: Path) -> Path:
    """The step's page: a one-step course's is index.html, else the first other page."""
    pages = sorted(p for p in package.glob("*.html") if p.name != "index.html")
    return pages[0] if pages else package / "index.html"


def _browser(playwright: Any) -> Any:
    sys.path.insert(0, str(ROOT))
    from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def _load(context: Any, url: str) -> Load:
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function("window.__sbReady !== null", timeout=30000)
        dcl, ready = page.evaluate("[performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,"
                                   " window.__sbReady]")
        paint = None
        for _ in range(100):                  # the paint entry comes once the frame is presented
            paint = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
            if paint is not None:
                break
            page.wait_for_timeout(20)
        return Load(float(dcl), float(ready), math.nan if paint is None else float(paint))
    finally:
        page.close()


@dataclass(frozen=True)
class PageLoads:
    """Medians of the step page, the blank page and the blank page with one empty deferred script."""

    step: Load
    blank: Load
    blank_script: Load
    paired: tuple[float, float]
    """Medians of the per-load ratios (DOMContentLoaded, interactive): each step load over the blank
    load just before it, which cancels load that drifts between the two medians' loads."""


def page_load(course: Path, work: Path, repeat: int, env: dict[str, str] | None = None) -> PageLoads:
    """Medians of ``repeat`` loads (after one warm-up each) of the step page, the blank page and the
    blank page with an empty script, alternated in that order."""
    from playwright.sync_api import sync_playwright

    package = build(course, "web", work / "page-web", env)
    step = _step_page(package)
    blank = work / "blank.html"
    blank.write_text(BLANK, encoding="utf-8")
    with_script = work / "blank-script.html"
    with_script.write_text(BLANK_SCRIPT, encoding="utf-8")
    (work / "assets").mkdir(exist_ok=True)
    (work / "assets" / "empty.js").write_bytes(b"")
    pages = (step, blank, with_script)
    loads: list[list[Load]] = [[], [], []]
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            context = browser.new_context()
            context.add_init_script(WATCH)
            for path in pages:
                _load(context, path.as_uri())
            for _ in range(repeat):
                for path, found in zip((blank, step, with_script), (loads[1], loads[0], loads[2]), strict=True):
                    found.append(_load(context, path.as_uri()))
        finally:
            browser.close()
    pairs = list(zip(loads[0], loads[1], strict=True))
    paired = (statistics.median(mine.dom_content_loaded / base.dom_content_loaded for mine, base in pairs),
              statistics.median(mine.interactive / base.interactive for mine, base in pairs))
    return PageLoads(_median(loads[0]), _median(loads[1]), _median(loads[2]), paired)


def _median(loads: list[Load]) -> Load:
    return Load(statistics.median(x.dom_content_loaded for x in loads), statistics.median(x.interactive for x in loads),
                statistics.median([x.first_paint for x in loads if not math.isnan(x.first_paint)] or [math.nan]))


@dataclass(frozen=True)
class Session:
    """Commit calls made during each learner action, in order, and the finish calls."""

    target: str
    commits: list[tuple[str, int]]
    finishes: int


def lms_session(course: Path, target: str, work: Path, env: dict[str, str] | None = None) -> Session:
    """One learner session of the step in scorm-again (SCORM 1.2 or 2004); counts the commits."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.support.server import serve

    site = work / f"lms-{target}"
    shutil.copytree(HOST, site / "host")
    shutil.copy(SCORM_AGAIN, site / "host" / "scorm-again.js")
    package = build(course, target, work / f"session-{target}", env)
    shutil.copytree(package, site / "pkg")
    launch = _step_page(package).name
    commit = "LMSCommit" if target == "scorm12" else "Commit"
    finish = "LMSFinish" if target == "scorm12" else "Terminate"
    host = "host12.html" if target == "scorm12" else "host2004.html"
    commits: list[tuple[str, int]] = []
    with serve(site) as server, sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            page = browser.new_page()
            page.goto(f"{server.url}/host/{host}")

            def count(fn: str) -> int:
                return int(page.evaluate("fn => host.calls.filter(c => c.fn === fn).length", fn))

            def action(name: str) -> None:
                done = count(commit) - sum(n for _, n in commits)
                commits.append((name, done))

            page.evaluate("u => launch(u, {})", f"{server.url}/pkg/{launch}")
            frame = page.wait_for_selector("#sco").content_frame()
            frame.wait_for_selector(".sb-seek")
            page.wait_for_timeout(500)
            action("open")
            frame.locator(".sb-seek").first.click()
            page.wait_for_timeout(3000)                   # the video plays a few seconds
            action("play")
            frame.locator("#sb-text").press_sequentially(LEARNER_TEXT, delay=25)
            page.wait_for_timeout(2000)                   # the draft is saved a moment after the last key
            action("type a reflection")
            frame.get_by_role("button", name="Submit reflection").click()
            frame.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)")
            action("submit")
            frame.locator("#sb-finish").click()
            frame.wait_for_function("/finished/i.test(document.getElementById('sb-finished').textContent)")
            action("finish")
            finishes = count(finish)
        finally:
            browser.close()
    return Session(target, commits, finishes)
