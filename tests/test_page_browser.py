"""The built-in theme's step page, driven in headless Chromium (real clicks and keys, no page mocks).

Pages come from the real CLI (``python -m scorm_builder build``): the example course in
``course_src/kind-handovers`` as it is, and a variant copy (two steps, a minimum length, a transcript
with characters that need escaping) for the contents page and the validation rules. Each zip is
unpacked and opened from file:// (a double-clicked index.html) and, where noted, over HTTP.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.server import serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "course_src" / "kind-handovers"
STEP_ID = "handover-conversation"
PROMPT = "Think about the last handover you gave or received. What made it feel kind, or not?"
UNIQUE_TEXT = "Reflecting on kindness in team 7 \u2014 caf\u00e9 conversation"
ESCAPE_LINE = "TOM: We wrote <b>kind</b> & \"safe\" on the board."


def build(course_dir: Path, target: str, out: Path) -> Path:
    """Build ``course_dir`` with the real CLI and unzip the package; return the unzipped folder."""
    dist = out / "dist"
    subprocess.run([sys.executable, "-m", "scorm_builder", "build", str(course_dir), "--target", target,
                    "--out", str(dist)], check=True, cwd=ROOT, capture_output=True)
    (archive,) = dist.glob(f"*-{target}.zip")
    folder = out / target
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(folder)
    return folder


def make_variant(dest: Path) -> Path:
    """A copy of the example course with a second step, min_length 10 and an escaping test line."""
    course = dest / "kind-variant"
    shutil.copytree(EXAMPLE, course)
    steps = course / "steps"
    shutil.copytree(steps / STEP_ID, steps / "second-step")
    second = steps / "second-step" / "step.yml"
    data = yaml.safe_load(second.read_text(encoding="utf-8"))
    data["title"] = "A second look at handovers"
    second.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    first = steps / STEP_ID / "step.yml"
    data = yaml.safe_load(first.read_text(encoding="utf-8"))
    data["reflection"]["min_length"] = 10
    first.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    transcript = steps / STEP_ID / "transcript.txt"
    text = transcript.read_text(encoding="utf-8").rstrip("\n")
    last = max(float(line) for line in text.splitlines() if re.fullmatch(r"\d+(\.\d+)?", line))
    duration = float(data["media"]["duration"])
    extra = round((last + duration) / 2, 1)  # a paragraph between the last one and the end
    transcript.write_text(text + f"\n\n{extra}\n" + ESCAPE_LINE + "\n", encoding="utf-8")
    meta = yaml.safe_load((course / "course.yml").read_text(encoding="utf-8"))
    meta["steps"] = [STEP_ID, "second-step"]
    (course / "course.yml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    return course


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """index.html of the example course's web package (one step: the page opens on the step)."""
    return build(EXAMPLE, "web", tmp_path_factory.mktemp("example")) / "index.html"


@pytest.fixture(scope="session")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The unzipped web package of the two-step variant (index.html is the contents page)."""
    tmp = tmp_path_factory.mktemp("variant")
    return build(make_variant(tmp), "web", tmp)


@pytest.fixture()
def requests_seen(page: Any) -> list[str]:
    """Every URL the page asks for."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    return seen


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.getElementById('sb-media').readyState >= 1")


def starts(page: Any) -> list[float]:
    return page.evaluate("[...document.querySelectorAll('#sb-transcript .sb-para')].map(p => +p.dataset.start)")


def _label(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"


def _record_seek(page: Any) -> None:
    page.evaluate(
        """() => { window.__seeked = null; const v = document.getElementById('sb-media');
                 v.addEventListener('seeked', () => { window.__seeked = v.currentTime; }, {once: true}); }"""
    )


def _seek_via_button(page: Any, index: int) -> float:
    """Click paragraph ``index``'s "Play from" button; return currentTime at the 'seeked' event."""
    _record_seek(page)
    page.get_by_role("button", name=f"Play from {_label(starts(page)[index])}", exact=True).click()
    page.wait_for_function("window.__seeked !== null", timeout=5000)
    return float(page.evaluate("window.__seeked"))


def _local_only(urls: list[str], base: str | None = None) -> list[str]:
    ok = ("file://", "blob:", "data:") + ((base,) if base else ())
    return [u for u in urls if not u.startswith(ok)]


# ---------------------------------------------------------------- file:// (double-click)

def test_file_captions_showing_and_transcript(page: Any, site: Path, requests_seen: list[str]) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _open(page, site.as_uri())
    assert page.locator("h1").count() == 1
    assert page.locator("#sb-transcript p.sb-para").count() >= 5
    assert page.locator("#sb-transcript strong.sb-speaker").first.inner_text() == "PRIYA"
    assert page.evaluate("document.getElementById('sb-track').src").startswith("blob:")
    # seek into the second paragraph: captions are on by default and come from the inline WebVTT
    page.evaluate("t => { document.getElementById('sb-media').currentTime = t; }", starts(page)[1] + 0.5)
    page.wait_for_function(
        "(() => { const t = document.getElementById('sb-media').textTracks[0];"
        " return t.mode === 'showing' && t.activeCues && t.activeCues.length > 0; })()",
        timeout=5000,
    )
    cue = page.evaluate("document.getElementById('sb-media').textTracks[0].activeCues[0].text")
    assert "TOM" in cue or "Tom" in cue
    assert page.evaluate("document.getElementById('sb-media').paused") is True  # no autoplay
    assert page.evaluate("document.getElementById('sb-media').hasAttribute('autoplay')") is False
    # the visible captions toggle turns them off and on again (mouse, then keyboard)
    cc = page.get_by_role("button", name="Captions")
    assert cc.get_attribute("aria-pressed") == "true"
    cc.click()
    assert page.evaluate("document.getElementById('sb-media').textTracks[0].mode") == "hidden"
    assert cc.get_attribute("aria-pressed") == "false"
    cc.press("Enter")
    assert page.evaluate("document.getElementById('sb-media').textTracks[0].mode") == "showing"
    assert cc.get_attribute("aria-pressed") == "true"
    assert _local_only(requests_seen) == []
    # The only console error allowed: Chromium refusing the static <track src> on file:// before
    # step.js swaps in the Blob URL (the static src is kept for pages served over HTTP without JS).
    assert [e for e in errors if not ("Unsafe attempt to load URL" in e and "captions.vtt" in e)] == []


def test_file_play_from_seeks_and_marks_current(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    times = starts(page)
    got = _seek_via_button(page, 2)
    assert abs(got - times[2]) <= 0.2
    assert page.evaluate("document.getElementById('sb-media').paused") is False  # and plays
    current = page.locator("#sb-transcript [aria-current='true']")
    assert current.count() == 1
    assert current.get_attribute("id") == "p3"
    # the indicator is not colour alone: a thick left border and a heavier weight
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.getElementById('p3')),
                         o = getComputedStyle(document.getElementById('p1'));
                 return [s.borderLeftWidth, s.fontWeight, o.borderLeftWidth, o.fontWeight]; }"""
    )
    assert float(style[0][:-2]) >= 4 and float(style[2][:-2]) == 0
    assert int(style[1]) > int(style[3])
    # keyboard: Enter on another paragraph's button; focus stays on it
    page.evaluate("document.getElementById('sb-media').pause()")
    _record_seek(page)
    name = f"Play from {_label(times[4])}"
    page.get_by_role("button", name=name, exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("window.__seeked !== null")
    assert abs(page.evaluate("window.__seeked") - times[4]) <= 0.2
    assert page.evaluate("document.activeElement.textContent") == name
    assert page.locator("#p5").get_attribute("aria-current") == "true"
    assert page.locator("#sb-transcript [aria-current]").count() == 1


def test_transcript_auto_scroll_moves_only_the_box(browser: Any, site: Path) -> None:
    context = browser.new_context(viewport={"width": 800, "height": 500})
    page = context.new_page()
    try:
        _open(page, site.as_uri())
        times = starts(page)
        assert page.get_by_label("Scroll the transcript with the video").is_checked()
        box = page.locator("#sb-transcript")
        assert box.evaluate("b => b.scrollHeight > b.clientHeight")
        page.get_by_role("button", name="Play from 0:00", exact=True).click()  # Playwright scrolls it into view
        box.evaluate("b => b.scrollTop = 0")
        y0 = page.evaluate("window.scrollY")
        assert y0 > 0
        # jump to just before the last paragraph (like dragging the native seek bar) and let it play on
        last = len(times) - 1
        page.evaluate("t => { document.getElementById('sb-media').currentTime = t; }", times[last] - 0.8)
        page.wait_for_function(f"document.getElementById('p{last + 1}').getAttribute('aria-current') === 'true'",
                               timeout=5000)
        page.wait_for_function("document.getElementById('sb-transcript').scrollTop > 0", timeout=3000)
        assert page.evaluate("window.scrollY") == y0
        assert page.locator(
            "#sb-transcript [aria-live], #sb-transcript [role=status], #sb-transcript [role=alert]"
        ).count() == 0
        # auto-scroll off: the box stays where the learner put it
        page.get_by_label("Scroll the transcript with the video").uncheck()
        y0 = page.evaluate("window.scrollY")   # the checkbox sits under the box: reaching it may scroll
        box.evaluate("b => b.scrollTop = 0")
        page.evaluate("t => { document.getElementById('sb-media').currentTime = t; }", times[1] + 0.1)
        page.wait_for_function("document.getElementById('p2').getAttribute('aria-current') === 'true'")
        page.wait_for_timeout(400)
        assert box.evaluate("b => b.scrollTop") == 0
        assert page.evaluate("window.scrollY") == y0
    finally:
        context.close()


def test_http_seek_through_range_server(page: Any, site: Path, requests_seen: list[str]) -> None:
    with serve(site.parent) as server:
        _open(page, f"{server.url}/{site.name}")
        times = starts(page)
        got = _seek_via_button(page, 3)
        assert abs(got - times[3]) <= 0.2
        assert page.locator("#p4").get_attribute("aria-current") == "true"
        page.evaluate("t => { document.getElementById('sb-media').currentTime = t; }", times[5] + 0.5)
        page.wait_for_function(
            "document.getElementById('sb-media').textTracks[0].activeCues.length > 0", timeout=5000
        )
        assert _local_only(requests_seen, server.url) == []
        assert all(not p.startswith("http") for p in server.requests_seen)


# ---------------------------------------------------------------- downloads

def test_transcript_and_caption_downloads_work_from_file(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    for link, expected, suffix in (("Download transcript (.txt)", "TOM:", ".txt"),
                                   ("Download captions (.vtt)", "WEBVTT", ".vtt")):
        a = page.get_by_role("link", name=link)
        assert a.get_attribute("href").startswith("blob:")
        with page.expect_download() as info:
            a.click()
        dl = info.value
        assert dl.suggested_filename.startswith(STEP_ID) and dl.suggested_filename.endswith(suffix)
        assert expected in Path(dl.path()).read_text(encoding="utf-8")


# ---------------------------------------------------------------- reflection

def _wait_status(page: Any, text: str) -> None:
    page.wait_for_function(
        "t => document.getElementById('sb-status').textContent.includes(t)", arg=text, timeout=6000
    )


def test_draft_autosaves_and_survives_reload(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    field = page.get_by_label(PROMPT)
    field.click()
    page.keyboard.type(UNIQUE_TEXT)
    _wait_status(page, "Draft saved at")
    assert page.evaluate("document.activeElement.id") == "sb-text"  # focus never moves
    page.reload()
    _wait_status(page, "Your saved draft has been restored")
    assert field.input_value() == UNIQUE_TEXT


def test_draft_saved_on_pagehide_before_the_debounce(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    page.get_by_label(PROMPT).fill(UNIQUE_TEXT)  # no pause: the 1.5 s autosave has not run yet
    page.reload()
    _wait_status(page, "Your saved draft has been restored")
    assert page.get_by_label(PROMPT).input_value() == UNIQUE_TEXT


def test_captions_choice_is_remembered(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    page.get_by_role("button", name="Captions").click()
    page.reload()
    page.wait_for_function("document.getElementById('sb-media').readyState >= 1")
    assert page.get_by_role("button", name="Captions").get_attribute("aria-pressed") == "false"
    assert page.evaluate("document.getElementById('sb-media').textTracks[0].mode") == "hidden"


def test_character_count_is_debounced_and_polite(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    live = page.locator("#sb-count-sr")
    assert live.get_attribute("aria-live") == "polite"
    assert page.locator("#sb-count").get_attribute("aria-hidden") == "true"
    page.get_by_label(PROMPT).type("abcdefghij", delay=30)
    assert page.locator("#sb-count").inner_text() == "You have 3,990 characters remaining"
    assert live.text_content() == ""  # not yet: it waits for a pause in typing
    page.wait_for_function("document.getElementById('sb-count-sr').textContent.length > 0", timeout=4000)
    assert live.text_content() == "You have 3,990 characters remaining"


def test_validation_errors(page: Any, variant: Path) -> None:
    _open(page, (variant / f"{STEP_ID}.html").as_uri())
    submit = page.get_by_role("button", name="Submit reflection")
    submit.click()
    field = page.locator("#sb-text")
    assert field.get_attribute("aria-invalid") == "true"
    assert "sb-error" in field.get_attribute("aria-describedby").split()
    assert page.locator("#sb-error").text_content() == "Error: Enter your reflection"
    assert page.evaluate("document.activeElement.id") == "sb-summary"  # GOV.UK: focus goes to the summary
    # under the minimum, then over the limit (no hard maxlength: the pasted text is kept)
    field.fill("too short")
    submit.click()
    assert "at least 10 characters" in page.locator("#sb-error").text_content()
    field.fill("x" * 4005)
    assert field.input_value() == "x" * 4005
    assert page.locator("#sb-count").inner_text() == "You have 5 characters too many"
    submit.click()
    assert "4,000 characters or fewer" in page.locator("#sb-error").text_content()
    field.fill(UNIQUE_TEXT)
    submit.click()
    _wait_status(page, "Reflection submitted")
    assert field.get_attribute("aria-invalid") is None
    assert "sb-error" not in field.get_attribute("aria-describedby").split()
    assert not page.locator("#sb-error").is_visible()


def _summary_state(page: Any) -> Any:
    return page.evaluate(
        """() => { const s = document.getElementById('sb-summary'), a = s.querySelector('a'),
                         e = document.getElementById('sb-error');
                 return {visible: !s.hidden && s.offsetParent !== null, focused: document.activeElement === s,
                         heading: s.querySelector('h2, h3').textContent, links: s.querySelectorAll('a').length,
                         link: a.textContent, href: a.getAttribute('href'),
                         error: e.hidden ? null : e.textContent}; }"""
    )


def test_error_summary_focus_link_and_clearing(page: Any, variant: Path) -> None:
    url = (variant / f"{STEP_ID}.html").as_uri()
    _open(page, url)
    summary = page.locator("#sb-summary")
    assert not summary.is_visible()
    history = page.evaluate("history.length")
    submit = page.get_by_role("button", name="Submit reflection")
    field = page.locator("#sb-text")
    for value, message in (("", "Enter your reflection"),
                           ("too short", "Your reflection must be at least 10 characters"),
                           ("x" * 4005, "Your reflection must be 4,000 characters or fewer")):
        field.fill(value)
        submit.focus()
        page.keyboard.press("Enter")  # submit from the keyboard as well as by mouse elsewhere
        got = _summary_state(page)
        assert got == {"visible": True, "focused": True, "heading": "There is a problem", "links": 1,
                       "link": message, "href": "#sb-text", "error": "Error: " + message}
        # announced on focus as a named group: "There is a problem, group"
        group = page.get_by_role("group", name="There is a problem")
        assert group.count() == 1 and group.evaluate("s => s === document.activeElement")
        # the inline error and its attributes stay as they were
        assert field.get_attribute("aria-invalid") == "true"
        assert field.get_attribute("aria-describedby").split()[0] == "sb-error"
        # the link is the next tab stop; Enter on it focuses the field without following the fragment
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "sb-summary-link"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "sb-text"
        assert page.url == url and page.evaluate("location.hash") == ""
        assert page.evaluate("history.length") == history
        # the field's label is scrolled into view with it
        top = page.evaluate("document.querySelector('label[for=sb-text]').getBoundingClientRect().top")
        assert -1 <= top < page.evaluate("innerHeight") / 2  # sub-pixel layout: allow 1 px
    # fixed and submitted: the summary goes, the inline error too
    field.fill(UNIQUE_TEXT)
    submit.click()
    _wait_status(page, "Reflection submitted")
    assert not summary.is_visible()
    assert summary.evaluate("s => s.hidden") is True
    assert not page.locator("#sb-error").is_visible()
    assert field.get_attribute("aria-invalid") is None


def test_submit_download_print_and_reload(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    page.get_by_label(PROMPT).fill(UNIQUE_TEXT)
    page.get_by_role("button", name="Submit reflection").click()
    _wait_status(page, "Reflection submitted")
    record = page.locator("#sb-record")
    assert record.is_visible()
    link = page.get_by_role("link", name="Download your reflection (.txt)")
    assert link.get_attribute("href").startswith("blob:")
    with page.expect_download() as info:
        link.click()
    dl = info.value
    today = date.today()
    assert today.isoformat() in dl.suggested_filename
    body = Path(dl.path()).read_text(encoding="utf-8")
    assert UNIQUE_TEXT in body
    assert "Handing over with care" in body and "Kind handovers" in body
    assert PROMPT in body
    assert "What is one small change you could make to your next handover?" in body
    assert f"{today.day} {today.strftime('%B')} {today.year}" in body
    # the Print button prints only the record (window.print is recorded, not run, in headless tests)
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print your reflection").click()
    assert page.evaluate("window.__printed") is True
    page.emulate_media(media="print")
    assert record.is_visible()
    assert UNIQUE_TEXT in page.locator("#sb-record-text").inner_text()
    assert not page.locator("#sb-transcript").is_visible()
    assert not page.locator("h1").is_visible()
    assert not page.get_by_role("button", name="Print your reflection").is_visible()
    page.emulate_media(media="screen")
    # the submitted state survives a reload
    page.reload()
    _wait_status(page, "You submitted your reflection on")
    assert page.locator("#sb-record").is_visible()
    assert UNIQUE_TEXT in page.locator("#sb-record-text").inner_text()
    assert page.locator("#sb-text").input_value() == UNIQUE_TEXT


def test_print_without_record_shows_whole_transcript(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    page.emulate_media(media="print")
    box = page.locator("#sb-transcript")
    assert box.evaluate("b => b.scrollHeight <= b.clientHeight + 1")
    assert not page.locator("#sb-media").is_visible()


def test_position_is_restored(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    target = starts(page)[2]
    _seek_via_button(page, 2)
    page.wait_for_function(f"document.getElementById('sb-media').currentTime > {target + 0.5}")
    page.evaluate("document.getElementById('sb-media').pause()")
    page.reload()
    page.wait_for_function(f"document.getElementById('sb-media').currentTime > {target + 0.3}", timeout=5000)
    assert page.evaluate("document.getElementById('sb-media').paused") is True


def test_storage_blocked_does_not_break_the_page(browser: Any, site: Path) -> None:
    context = browser.new_context()
    context.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('no', 'SecurityError'); }});"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        _open(page, site.as_uri())
        page.get_by_label(PROMPT).fill(UNIQUE_TEXT)
        page.locator("#sb-text").blur()
        page.wait_for_function("document.getElementById('sb-alert').textContent.includes('Download your text')")
        assert page.locator("#p2").get_by_role("button", name=re.compile(r"^Play from ")).is_visible()
        assert errors == []
    finally:
        context.close()


def test_contents_page_and_step_navigation(page: Any, variant: Path) -> None:
    page.goto((variant / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "Kind handovers"
    links = page.locator("main ol a")
    assert links.count() == 2
    links.nth(1).click()
    assert page.locator("h1").inner_text() == "A second look at handovers"
    assert page.locator(".sb-position").inner_text() == "Step 2 of 2"
    assert page.get_by_role("link", name="Contents", exact=True).get_attribute("href") == "index.html"
    nav = page.get_by_role("navigation", name="Course steps")
    assert nav.get_by_role("link", name="Continue Back to the contents").get_attribute("href") == "index.html"
    nav.get_by_role("link", name="Previous: Handing over with care").click()
    assert page.locator("h1").inner_text() == "Handing over with care"
    assert page.get_by_role("link", name="Continue Next step: A second look at handovers").count() == 1


# ---------------------------------------------------------------- caption settings (P-07, P-08)

STYLE_KEY = "scorm-builder:kind-handovers:captions-style"
YELLOW = """async b64 => { const img = new Image(); img.src = 'data:image/png;base64,' + b64; await img.decode();
  const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
  const x = c.getContext('2d'); x.drawImage(img, 0, 0);
  const d = x.getImageData(0, 0, c.width, c.height).data; let n = 0, top = -1, bottom = -1;
  for (let y = 0; y < c.height; y++) { let row = 0;
    for (let i = (y * c.width) * 4; i < (y + 1) * c.width * 4; i += 4) {
      if (d[i] > 230 && d[i + 1] > 230 && d[i + 2] < 60) { row++; } }
    if (row) { n += row; if (top < 0) { top = y; } bottom = y; } }
  return {pixels: n, rows: top < 0 ? 0 : bottom - top + 1}; }"""


def cue_text(raw: str) -> str:
    """What a learner reads: the cue text without <v> (or other) tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", raw))


def _yellow_on_video(page: Any) -> dict[str, int]:
    """Pure-yellow pixels in a screenshot of the video (the example video has none of its own)."""
    import base64
    png = page.locator("#sb-media").screenshot()
    result: dict[str, int] = page.evaluate(YELLOW, base64.b64encode(png).decode())
    return result


def _seek_into_cue(page: Any, index: int, offset: float = 0.5) -> str:
    """Seek to cue ``index``'s start + ``offset``; wait until it is active; return its raw text."""
    raw: str = page.evaluate(
        """([i, o]) => { const c = document.getElementById('sb-media').textTracks[0].cues[i];
                        document.getElementById('sb-media').currentTime = c.startTime + o; return c.text; }""",
        [index, offset])
    page.wait_for_function(
        "i => [...document.getElementById('sb-media').textTracks[0].activeCues || []].some("
        " c => c === document.getElementById('sb-media').textTracks[0].cues[i])", arg=index, timeout=5000)
    return raw


def _wait_cues(page: Any) -> None:
    page.wait_for_function("(t => t.cues && t.cues.length > 5)(document.getElementById('sb-media').textTracks[0])")


def test_caption_settings_panel_by_keyboard(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    btn = page.get_by_role("button", name="Caption settings")
    panel = page.locator("#sb-capset")
    assert btn.get_attribute("aria-expanded") == "false" and btn.get_attribute("aria-controls") == "sb-capset"
    assert not panel.is_visible()
    # it sits on the bar next to the Captions toggle
    assert page.evaluate("document.getElementById('sb-cc').nextElementSibling.id") == "sb-capset-btn"
    page.get_by_role("button", name="Captions").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sb-capset-btn"
    page.keyboard.press("Enter")
    assert btn.get_attribute("aria-expanded") == "true" and panel.is_visible()
    legends = page.evaluate("[...document.querySelectorAll('#sb-capset fieldset > legend')].map(l => l.textContent)")
    assert legends == ["Text size", "Colours", "Background opacity", "Position"]
    # non-modal: Tab goes into the panel, arrows change the choice and apply it at once
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sb-cap-size-100"
    page.keyboard.press("ArrowRight")
    assert page.get_by_label("150%").is_checked()
    assert page.evaluate("document.getElementById('sb-stage').dataset.capSize") == "150"
    # Esc closes it and returns focus to the button
    page.keyboard.press("Escape")
    assert not panel.is_visible() and btn.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "sb-capset-btn"
    # Space opens it again, Esc on the button itself closes it, Enter toggles it shut too
    page.keyboard.press(" ")
    assert panel.is_visible()
    page.keyboard.press("Escape")
    assert not panel.is_visible() and page.evaluate("document.activeElement.id") == "sb-capset-btn"
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert not panel.is_visible() and btn.get_attribute("aria-expanded") == "false"


def test_caption_size_and_colours_change_the_rendering(browser: Any, site: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _open(page, site.as_uri())
        _wait_cues(page)
        _seek_into_cue(page, 3)
        page.wait_for_timeout(200)
        before = _yellow_on_video(page)
        assert before["pixels"] == 0  # white on black by default
        stage = "getComputedStyle(document.getElementById('sb-stage'))"
        assert page.evaluate(f"{stage}.getPropertyValue('--sb-cap-fg').trim()") == "#fff"
        page.get_by_role("button", name="Caption settings").click()
        page.get_by_label("Yellow on black").check()
        page.wait_for_timeout(200)
        normal = _yellow_on_video(page)
        page.get_by_label("200%").check()
        page.wait_for_timeout(200)
        big = _yellow_on_video(page)
        # the native ::cue rendering turned yellow, and the 200% text is taller than the 100% text
        assert normal["pixels"] > 200, normal
        assert big["pixels"] > normal["pixels"] and big["rows"] > normal["rows"], (normal, big)
        assert page.evaluate(f"{stage}.getPropertyValue('--sb-cap-fg').trim()") == "#ff0"
        assert page.evaluate(f"{stage}.getPropertyValue('--sb-cap-scale').trim()") == "2"
        # below the video the same choice is plain computed style
        page.get_by_label("Below the video").check()
        got = page.evaluate("(s => [s.color, s.backgroundColor, parseFloat(s.fontSize)])"
                            "(getComputedStyle(document.getElementById('sb-cap-below')))")
        assert got[:2] == ["rgb(255, 255, 0)", "rgb(0, 0, 0)"], got
        page.get_by_role("group", name="Text size").get_by_label("100%").check()
        normal_px = page.evaluate("parseFloat(getComputedStyle(document.getElementById('sb-cap-below')).fontSize)")
        assert got[2] == pytest.approx(2 * normal_px) and normal_px >= 16, (got, normal_px)
        page.get_by_label("Black on white").check()
        colours = page.evaluate(
            "(s => [s.color, s.backgroundColor])(getComputedStyle(document.getElementById('sb-cap-below')))")
        assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    finally:
        context.close()


def test_caption_size_scales_with_the_player(browser: Any, site: Path) -> None:
    """At 100% the captions grow with the player: at least 16 px on a phone, larger on a desktop."""
    sizes = {}
    for width in (320, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        try:
            _open(page, site.as_uri())
            page.get_by_role("button", name="Caption settings").click()
            page.get_by_label("Below the video").check()
            sizes[width] = page.evaluate(
                "parseFloat(getComputedStyle(document.getElementById('sb-cap-below')).fontSize)")
        finally:
            context.close()
    assert sizes[320] >= 16 and sizes[1280] > sizes[320] * 1.2, sizes


def test_captions_below_the_video(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    _wait_cues(page)
    region = page.locator("#sb-cap-below")
    assert not region.is_visible()
    page.get_by_role("button", name="Caption settings").click()
    page.get_by_label("Below the video").check()
    track = "document.getElementById('sb-media').textTracks[0]"
    assert page.evaluate(f"{track}.mode") == "hidden"  # native rendering does not double it
    assert region.is_visible()
    assert region.get_attribute("aria-live") is None and region.get_attribute("role") is None
    # a cue that starts with a voice span and a visible label
    index = page.evaluate(f"[...{track}.cues].findIndex((c, i) => i > 2 && c.text.startsWith('<v '))")
    raw = _seek_into_cue(page, index, 0.05)  # P-08: cue start + 0.05 s
    expected = cue_text(raw)
    assert "<v" in raw and re.match(r"^[A-Z]+: ", expected), (raw, expected)
    page.wait_for_function("t => document.getElementById('sb-cap-below').textContent === t", arg=expected,
                           timeout=1000)
    assert region.inner_text().replace("\n", " ") == expected.replace("\n", " ")
    boxes = page.evaluate("""['sb-media', 'sb-cap-below', 'sb-cc'].map(id => {
        const r = document.getElementById(id).getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; })""")
    video, below, bar = boxes
    assert below["top"] >= video["bottom"] - 0.5, boxes  # under the video, not over it
    assert bar["top"] >= below["bottom"], boxes  # and not over the controls under it
    # the next cue replaces it
    nxt = cue_text(_seek_into_cue(page, index + 1, 0.05))
    page.wait_for_function("t => document.getElementById('sb-cap-below').textContent === t", arg=nxt, timeout=1000)
    # captions off hides it, on shows it again; the track stays hidden throughout
    cc = page.get_by_role("button", name="Captions")
    cc.click()
    assert not region.is_visible() and page.evaluate(f"{track}.mode") == "hidden"
    assert cc.get_attribute("aria-pressed") == "false"
    cc.click()
    assert region.is_visible() and page.evaluate(f"{track}.mode") == "hidden"
    assert cc.get_attribute("aria-pressed") == "true"
    page.wait_for_function("t => document.getElementById('sb-cap-below').textContent === t", arg=nxt, timeout=1000)
    # back over the video: native rendering again
    page.get_by_label("Over the video").check()
    assert page.evaluate(f"{track}.mode") == "showing"
    assert not region.is_visible()


def test_captions_below_fall_back_to_native_in_full_screen(page: Any, site: Path) -> None:
    """The region is outside the full-screen video, so there the browser draws the captions again."""
    _open(page, site.as_uri())
    page.get_by_role("button", name="Caption settings").click()
    page.get_by_label("Below the video").check()
    # a real key press is the user gesture requestFullscreen needs (the native button is in a closed shadow root)
    page.evaluate("""document.getElementById('sb-cc').addEventListener('keydown', e => {
        if (e.key === 'f') { document.getElementById('sb-media').requestFullscreen(); } })""")
    page.locator("#sb-cc").focus()
    page.keyboard.press("f")
    state = "[document.getElementById('sb-media').textTracks[0].mode, document.getElementById('sb-cap-below').hidden]"
    page.wait_for_function(f"document.fullscreenElement && {state}[0] === 'showing'", timeout=3000)
    assert page.evaluate(state) == ["showing", True]
    page.evaluate("document.exitFullscreen()")
    page.wait_for_function(f"!document.fullscreenElement && {state}[0] === 'hidden'", timeout=3000)
    assert page.evaluate(state) == ["hidden", False]


def test_caption_settings_survive_reload(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    page.get_by_role("button", name="Caption settings").click()
    for group, label in (("Text size", "150%"), ("Colours", "Black on white"),
                         ("Background opacity", "75%"), ("Position", "Below the video")):
        page.get_by_role("group", name=group).get_by_text(label, exact=True).click()  # the label
    stored = page.evaluate("k => JSON.parse(localStorage.getItem(k))", STYLE_KEY)
    assert stored == {"size": "150", "colors": "bw", "opacity": "75", "pos": "below"}
    page.reload()
    page.wait_for_function("document.getElementById('sb-media').readyState >= 1")
    assert page.evaluate("(d => [d.capSize, d.capColors, d.capOpacity, d.capPos])"
                         "(document.getElementById('sb-stage').dataset)") == ["150", "bw", "75", "below"]
    assert page.evaluate("document.getElementById('sb-media').textTracks[0].mode") == "hidden"
    assert page.locator("#sb-cap-below").is_visible()
    page.get_by_role("button", name="Caption settings").click()
    for group, label in (("Text size", "150%"), ("Colours", "Black on white"),
                         ("Background opacity", "75%"), ("Position", "Below the video")):
        assert page.get_by_role("group", name=group).get_by_label(label).is_checked(), label
    # a damaged stored value falls back to the defaults
    page.evaluate("k => localStorage.setItem(k, '{\"size\": \"999\", \"pos\": 7')", STYLE_KEY)
    page.reload()
    page.wait_for_function("document.getElementById('sb-media').readyState >= 1")
    assert page.evaluate("document.getElementById('sb-stage').dataset.capSize") == "100"
    assert page.evaluate("document.getElementById('sb-media').textTracks[0].mode") == "showing"


def test_caption_settings_with_storage_throwing(browser: Any, site: Path) -> None:
    context = browser.new_context()
    context.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('no', 'SecurityError'); }});"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        _open(page, site.as_uri())
        _wait_cues(page)
        page.get_by_role("button", name="Caption settings").click()
        page.get_by_label("Below the video").check()
        page.get_by_label("200%").check()
        raw = _seek_into_cue(page, 2)
        page.wait_for_function("t => document.getElementById('sb-cap-below').textContent === t",
                               arg=cue_text(raw), timeout=2000)
        assert page.evaluate("document.getElementById('sb-stage').dataset.capSize") == "200"
        assert errors == []
    finally:
        context.close()


# ---------------------------------------------------------------- an LMS backend (SCORM 1.2 + scorm-again)

HOST = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<script src="scorm-again.js"></script>
<script>window.API = new Scorm12API({autocommit: false, lmsCommitUrl: false, logLevel: 5});</script></head>
<body><iframe id="sco" title="Course" src="pkg/index.html" style="width:1000px;height:2400px"></iframe></body></html>"""


def lms_root(tmp_path: Path) -> Path:
    """A folder with the example's SCORM 1.2 package under pkg/ and a scorm-again host page."""
    root = tmp_path / "lms"
    root.mkdir()
    shutil.copytree(build(EXAMPLE, "scorm12", tmp_path), root / "pkg")
    shutil.copy(ROOT / "node_modules" / "scorm-again" / "dist" / "scorm-again.js", root / "scorm-again.js")
    (root / "host.html").write_text(HOST, encoding="utf-8")
    return root


def test_scorm12_finish_button_and_state(browser: Any, tmp_path: Path) -> None:
    root = lms_root(tmp_path)
    context = browser.new_context()
    page = context.new_page()
    try:
        with serve(root) as server:
            page.goto(f"{server.url}/host.html")
            frame = page.frame_locator("#sco")
            finish = frame.get_by_role("button", name="Finish")
            finish.wait_for(state="visible", timeout=5000)
            frame.get_by_label(PROMPT).fill(UNIQUE_TEXT)
            frame.get_by_role("button", name="Submit reflection").click()
            frame.locator("#sb-status").filter(has_text="Reflection submitted").wait_for(timeout=5000)
            finish.click()
            frame.locator("#sb-status").filter(has_text="finished").wait_for(timeout=5000)
            cmi = page.evaluate("window.API.renderCMIToJSONObject()")
            assert UNIQUE_TEXT in cmi["cmi"]["suspend_data"]
            assert cmi["cmi"]["core"]["lesson_status"] in ("completed", "passed")
    finally:
        context.close()


def test_scorm12_error_summary_link_inside_the_lms_frame(browser: Any, tmp_path: Path) -> None:
    root = lms_root(tmp_path)
    context = browser.new_context()
    page = context.new_page()
    try:
        with serve(root) as server:
            page.goto(f"{server.url}/host.html")
            frame = page.frame_locator("#sco")
            frame.get_by_role("button", name="Finish").wait_for(state="visible", timeout=5000)
            sco = page.frame(url=re.compile(r"/pkg/index\.html$"))
            assert sco is not None
            frame_url, history = sco.url, page.evaluate("history.length")
            frame.get_by_role("button", name="Submit reflection").click()
            assert sco.evaluate("document.activeElement.id") == "sb-summary"
            link = frame.get_by_role("link", name="Enter your reflection")
            link.focus()
            link.press("Enter")
            assert sco.evaluate("document.activeElement.id") == "sb-text"
            assert page.evaluate("location.hash") == "" and page.url == f"{server.url}/host.html"
            assert sco.url == frame_url and sco.evaluate("location.hash") == ""
            assert page.evaluate("history.length") == history
    finally:
        context.close()


def test_scorm12_caption_settings_inside_the_lms_frame(browser: Any, tmp_path: Path) -> None:
    root = lms_root(tmp_path)
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        with serve(root) as server:
            page.goto(f"{server.url}/host.html")
            frame = page.frame_locator("#sco")
            frame.get_by_role("button", name="Finish").wait_for(state="visible", timeout=5000)
            btn = frame.get_by_role("button", name="Caption settings")
            btn.click()
            frame.get_by_role("group", name="Position").get_by_label("Below the video").check()
            btn.press("Escape")
            assert btn.get_attribute("aria-expanded") == "false"
            sco = page.frame(url=re.compile(r"/pkg/index\.html$"))
            assert sco is not None
            sco.wait_for_function("document.getElementById('sb-media').textTracks[0].cues.length > 3")
            raw = sco.evaluate("""() => { const c = document.getElementById('sb-media').textTracks[0].cues[3];
                document.getElementById('sb-media').currentTime = c.startTime + 0.3; return c.text; }""")
            sco.wait_for_function("t => document.getElementById('sb-cap-below').textContent === t",
                                  arg=cue_text(raw), timeout=5000)
            assert sco.evaluate("document.getElementById('sb-media').textTracks[0].mode") == "hidden"
            assert errors == []
    finally:
        context.close()


# ---------------------------------------------------------------- without JavaScript

def test_without_javascript_transcript_and_body_are_there(browser: Any, variant: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto((variant / f"{STEP_ID}.html").as_uri())
        paras = page.locator("#sb-transcript p")
        assert paras.count() >= 5
        assert paras.nth(0).locator("strong.sb-speaker").inner_text() == "PRIYA"
        assert paras.nth(2).locator("strong").count() == 0  # the speaker carries on: no repeated label
        assert '<b>kind</b> & "safe"' in paras.last.inner_text()  # escaped, shown as text
        assert paras.last.locator("b").count() == 0
        assert page.locator(".sb-body p").count() > 0 and page.locator(".sb-body").is_visible()
        assert page.locator("#sb-transcript button").count() == 0
        assert page.get_by_role("link", name="Download transcript (.txt)").get_attribute("href").endswith(
            "transcript.txt"
        )
        assert page.locator("label[for=sb-text]").is_visible()
        assert not page.get_by_role("button", name="Submit reflection").is_visible()
        assert not page.locator("#sb-summary").is_visible()
        assert not page.get_by_text("There is a problem").is_visible()
    finally:
        context.close()
