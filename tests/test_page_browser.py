"""The built-in theme's step page, driven in headless Chromium (real clicks and keys, no page mocks).

The page is rendered from ``templates/`` with a hand-made context that follows docs/architecture.md,
next to a tiny generated H.264/AAC clip, and opened from file:// (and over HTTP where noted).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

jinja2 = pytest.importorskip("jinja2")
from markupsafe import Markup  # noqa: E402

from tests.support.server import serve  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

WORDS = (
    "compassion matters because people who feel cared for recover better and staff who feel "
    "supported stay longer in their jobs and look after each other and their patients "
)
PARAGRAPHS = [
    (0.0, "SUZIE", True, "Hi Michael, what does the evidence say about <b>kindness</b> & \"outcomes\"? " + WORDS * 2),
    (2.0, "MICHAEL", True, "Well, there is a lot of evidence at several levels. " + WORDS * 2),
    (4.0, "MICHAEL", False, "Neuroscience studies show a difference between empathy and compassion. " + WORDS * 2),
    (6.0, "SUZIE", True, "Absolutely. What have we learned over the last year? " + WORDS * 2),
    (8.0, "MICHAEL", True, "Colleagues being supportive and kind helped people cope. " + WORDS * 2),
]
UNIQUE_TEXT = "Reflecting on kindness in team 7 \u2014 caf\u00e9 conversation"


def _label(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"


def _vtt() -> str:
    out = ["WEBVTT", ""]
    for i, (start, speaker, _labelled, text) in enumerate(PARAGRAPHS):
        end = PARAGRAPHS[i + 1][0] if i + 1 < len(PARAGRAPHS) else 10.0
        first = re.sub(r"[<>&\"]", "", text)[:34]
        out += [f"00:00:{start:06.3f} --> 00:00:{end:06.3f}", f"<v {speaker}>{speaker}: {first}", ""]
    return "\n".join(out)


CAPTIONS = _vtt()
TRANSCRIPT_TXT = "\n\n".join(f"{_label(s)}\n{sp}: {t}" for s, sp, _l, t in PARAGRAPHS) + "\n"


def make_context(*, target: str = "web", runtime_scripts: list[str] | None = None) -> dict[str, Any]:
    """A template context as docs/architecture.md describes it."""
    return {
        "course": {
            "id": "kindness-evidence",
            "title": "Why compassion matters",
            "language": "en-GB",
            "description": "A short course on compassionate leadership.",
            "licence": "CC BY-SA 4.0",
            "credits": {
                "organisation": "Example Health Education",
                "course_title": "An Introduction to Compassionate Leadership",
                "provider": "FutureLearn",
                "people": ["Suzie Bailey (presenter)", "Michael West (presenter)"],
            },
        },
        "step": {
            "id": "evidence-outcomes",
            "index": 0,
            "title": "The evidence for improved outcomes",
            "intro": "Why is compassion important? Watch Suzie and Michael explain.",
            "media": {"href": "media/clip.mp4", "mime": "video/mp4", "kind": "video", "poster_href": None,
                      "duration": 10.0},
            "captions_href": "captions/evidence-outcomes.en-GB.vtt",
            "captions_vtt": CAPTIONS,
            "transcript_href": "transcripts/evidence-outcomes.txt",
            "transcript_txt": TRANSCRIPT_TXT,
            "paragraphs": [
                {"id": f"p{i + 1}", "start": s, "start_label": _label(s), "speaker": sp, "show_speaker": lab, "text": t}
                for i, (s, sp, lab, t) in enumerate(PARAGRAPHS)
            ],
            "body_html": Markup("<h2>Reading</h2><p>Compassionate leadership has <strong>four</strong> parts.</p>"
                                "<p id=\"body-marker\">Attending, understanding, empathising and helping.</p>"),
            "reflection": {
                "prompt": "Is compassion the most important intervention?",
                "guiding_questions": ["If yes, why?", "If no, what else matters?"],
                "min_length": 10,
                "max_length": 4000,
                "interaction_id": "reflection-evidence-outcomes",
            },
            "completion": "reflection-submitted",
        },
        "nav": {"prev": None, "next": {"href": "step-2.html", "title": "Next step"}, "contents_href": "index.html"}
        if target == "web" else None,
        "target": {"name": target, "runtime_scripts": runtime_scripts or [], "max_reflection": 4000},
        "page_data": {"completion": "reflection-submitted"},
    }


def render_page(out: Path, media: Path, **kw: Any) -> Path:
    """Render templates/step.html into ``out`` with its assets, media, captions and transcript files."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    ctx = make_context(**kw)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(TEMPLATES / "assets", out / "assets", dirs_exist_ok=True)
    (out / "media").mkdir(exist_ok=True)
    shutil.copy(media, out / "media" / "clip.mp4")
    for key, text in (("captions_href", CAPTIONS), ("transcript_href", TRANSCRIPT_TXT)):
        dest = out / ctx["step"][key]
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
    page = out / "index.html"
    page.write_text(env.get_template("step.html").render(**ctx), encoding="utf-8")
    return page


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 10 s H.264/AAC MP4: a sine tone over a plain colour frame, a keyframe every second."""
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg is not installed")
    path = tmp_path_factory.mktemp("media") / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=0x224466:s=320x180:r=25",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "10",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "25", "-c:a", "aac", "-b:a", "64k",
         "-movflags", "+faststart", str(path)],
        check=True,
    )
    return path


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, clip: Path) -> Path:
    """The rendered web page (index.html) with everything it refers to."""
    return render_page(tmp_path_factory.mktemp("site"), clip)


@pytest.fixture()
def requests_seen(page: Any) -> list[str]:
    """Every URL the page's context asks for."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    return seen


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.getElementById('sb-media').readyState >= 1")


def _seek_via_button(page: Any, index: int) -> float:
    """Click paragraph ``index``'s "Play from" button; return currentTime at the 'seeked' event."""
    page.evaluate(
        """() => { window.__seeked = null; const v = document.getElementById('sb-media');
                 v.addEventListener('seeked', () => { window.__seeked = v.currentTime; }, {once: true}); }"""
    )
    label = _label(PARAGRAPHS[index][0])
    page.get_by_role("button", name=f"Play from {label}", exact=True).click()
    page.wait_for_function("window.__seeked !== null", timeout=5000)
    return float(page.evaluate("window.__seeked"))


def _local_only(urls: list[str], base: str | None = None) -> list[str]:
    ok = ("file://", "blob:", "data:") + ((base,) if base else ())
    return [u for u in urls if not u.startswith(ok)]


# ---------------------------------------------------------------- file:// (double-click)

def test_file_captions_showing_and_transcript(page: Any, site: Path, requests_seen: list[str]) -> None:
    _open(page, site.as_uri())
    assert page.locator("h1").count() == 1
    assert page.locator("#sb-transcript p.sb-para").count() == len(PARAGRAPHS)
    assert page.evaluate("document.getElementById('sb-track').src").startswith("blob:")
    # seek into the third cue; captions are on by default and load from the inline WebVTT
    page.evaluate("document.getElementById('sb-media').currentTime = 4.5")
    page.wait_for_function(
        "(() => { const t = document.getElementById('sb-media').textTracks[0];"
        " return t.mode === 'showing' && t.activeCues && t.activeCues.length > 0; })()",
        timeout=5000,
    )
    cue = page.evaluate("document.getElementById('sb-media').textTracks[0].activeCues[0].text")
    assert "MICHAEL" in cue
    assert page.evaluate("document.getElementById('sb-media').paused") is True  # no autoplay
    assert page.evaluate("document.getElementById('sb-media').hasAttribute('autoplay')") is False
    # the visible captions toggle turns them off and on again
    cc = page.get_by_role("button", name="Captions")
    assert cc.get_attribute("aria-pressed") == "true"
    cc.click()
    assert page.evaluate("document.getElementById('sb-media').textTracks[0].mode") == "hidden"
    assert cc.get_attribute("aria-pressed") == "false"
    cc.press("Enter")
    assert page.evaluate("document.getElementById('sb-media').textTracks[0].mode") == "showing"
    assert _local_only(requests_seen) == []


def test_file_play_from_seeks_and_marks_current(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    got = _seek_via_button(page, 2)
    assert abs(got - PARAGRAPHS[2][0]) <= 0.2
    current = page.locator("#sb-transcript [aria-current='true']")
    assert current.count() == 1
    assert current.get_attribute("id") == "p3"
    # the indicator is not colour alone: a thick left border and a heavier weight
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.getElementById('p3')), o = getComputedStyle(document.getElementById('p1'));
                 return [s.borderLeftWidth, s.fontWeight, o.borderLeftWidth, o.fontWeight]; }"""
    )
    assert float(style[0][:-2]) >= 4 and float(style[2][:-2]) == 0
    assert int(style[1]) > int(style[3])
    # keyboard: Enter on another button
    page.evaluate("document.getElementById('sb-media').pause()")
    page.evaluate(
        """() => { window.__seeked = null; const v = document.getElementById('sb-media');
                 v.addEventListener('seeked', () => { window.__seeked = v.currentTime; }, {once: true}); }"""
    )
    btn = page.get_by_role("button", name="Play from 0:06", exact=True)
    btn.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("window.__seeked !== null")
    assert abs(page.evaluate("window.__seeked") - 6.0) <= 0.2
    assert page.evaluate("document.activeElement.textContent") == "Play from 0:06"
    assert page.locator("#p4").get_attribute("aria-current") == "true"


def test_transcript_auto_scroll_moves_only_the_box(browser: Any, site: Path) -> None:
    context = browser.new_context(viewport={"width": 800, "height": 500})
    page = context.new_page()
    try:
        _open(page, site.as_uri())
        assert page.get_by_label("Scroll the transcript with the video").is_checked()
        box = page.locator("#sb-transcript")
        assert page.evaluate("(() => { const b = document.getElementById('sb-transcript');"
                             " return b.scrollHeight > b.clientHeight; })()")
        page.mouse.wheel(0, 300)  # scroll the page itself a little; auto-scroll must not move it
        page.wait_for_timeout(300)
        box.evaluate("b => b.scrollTop = 0")
        page.get_by_role("button", name="Play from 0:00", exact=True).click()  # Playwright scrolls it into view
        y0 = page.evaluate("window.scrollY")
        assert y0 > 0
        page.wait_for_function("document.getElementById('sb-media').currentTime > 8.2", timeout=15000)
        page.wait_for_timeout(800)
        assert page.locator("#p5").get_attribute("aria-current") == "true"
        assert box.evaluate("b => b.scrollTop") > 0
        assert page.evaluate("window.scrollY") == y0
        assert page.locator("#sb-transcript [aria-live], #sb-transcript [role=status], #sb-transcript [role=alert]").count() == 0
    finally:
        context.close()


def test_http_seek_through_range_server(page: Any, site: Path, requests_seen: list[str]) -> None:
    with serve(site.parent) as server:
        _open(page, f"{server.url}/{site.name}")
        got = _seek_via_button(page, 3)
        assert abs(got - PARAGRAPHS[3][0]) <= 0.2
        assert page.locator("#p4").get_attribute("aria-current") == "true"
        page.evaluate("document.getElementById('sb-media').currentTime = 2.5")
        page.wait_for_function(
            "document.getElementById('sb-media').textTracks[0].activeCues.length > 0", timeout=5000
        )
        assert _local_only(requests_seen, server.url) == []
        assert all(not p.startswith("http") for p in server.requests_seen)


# ---------------------------------------------------------------- downloads

def test_transcript_and_caption_downloads_work_from_file(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    for link, expected in (("Download transcript (.txt)", "MICHAEL: Well"), ("Download captions (.vtt)", "WEBVTT")):
        a = page.get_by_role("link", name=link)
        assert a.get_attribute("href").startswith("blob:")
        with page.expect_download() as info:
            a.click()
        dl = info.value
        assert dl.suggested_filename.endswith((".txt", ".vtt"))
        assert expected in Path(dl.path()).read_text(encoding="utf-8")


# ---------------------------------------------------------------- reflection

def _wait_status(page: Any, text: str) -> None:
    page.wait_for_function(
        "t => document.getElementById('sb-status').textContent.includes(t)", arg=text, timeout=6000
    )


def test_draft_autosaves_and_survives_reload(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    field = page.get_by_label("Is compassion the most important intervention?")
    field.click()
    page.keyboard.type(UNIQUE_TEXT)
    assert page.evaluate("document.activeElement.id") == "sb-text"
    _wait_status(page, "Draft saved at")
    assert page.evaluate("document.activeElement.id") == "sb-text"  # focus never moves
    page.reload()
    _wait_status(page, "Your saved draft has been restored")
    assert field.input_value() == UNIQUE_TEXT


def test_character_count_is_debounced_and_polite(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    live = page.locator("#sb-count-sr")
    assert live.get_attribute("aria-live") == "polite"
    assert page.locator("#sb-count").get_attribute("aria-hidden") == "true"
    page.get_by_label("Is compassion the most important intervention?").type("abcdefghij", delay=30)
    assert page.locator("#sb-count").inner_text() == "You have 3,990 characters remaining"
    assert live.inner_text() == ""  # not yet: waits for a pause in typing
    page.wait_for_function("document.getElementById('sb-count-sr').textContent.length > 0", timeout=4000)
    assert live.inner_text() == "You have 3,990 characters remaining"


def test_empty_submit_shows_error(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    page.get_by_role("button", name="Submit reflection").click()
    field = page.locator("#sb-text")
    assert field.get_attribute("aria-invalid") == "true"
    assert "sb-error" in field.get_attribute("aria-describedby").split()
    assert page.locator("#sb-error").text_content() == "Error: Enter your reflection"
    assert page.evaluate("document.activeElement.id") == "sb-text"
    # under the minimum, then over the limit (no hard maxlength: the text is kept)
    field.fill("too short")
    page.get_by_role("button", name="Submit reflection").click()
    assert "at least 10 characters" in page.locator("#sb-error").inner_text()
    field.fill("x" * 4005)
    assert field.input_value() == "x" * 4005
    assert page.locator("#sb-count").inner_text() == "You have 5 characters too many"
    page.get_by_role("button", name="Submit reflection").click()
    assert "4,000 characters or fewer" in page.locator("#sb-error").inner_text()
    field.fill(UNIQUE_TEXT)
    page.get_by_role("button", name="Submit reflection").click()
    _wait_status(page, "Reflection submitted")
    assert field.get_attribute("aria-invalid") is None
    assert not page.locator("#sb-error").is_visible()


def test_submit_download_and_reload(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    page.get_by_label("Is compassion the most important intervention?").fill(UNIQUE_TEXT)
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
    assert "The evidence for improved outcomes" in body
    assert "Is compassion the most important intervention?" in body
    assert "If no, what else matters?" in body
    assert f"{today.day} {today.strftime('%B')} {today.year}" in body
    # the print stylesheet shows only the record when printing from the button
    page.evaluate("document.body.classList.add('sb-print-record')")
    page.emulate_media(media="print")
    assert record.is_visible()
    assert not page.locator("#sb-transcript").is_visible()
    assert not page.locator("h1").is_visible()
    page.emulate_media(media="screen")
    page.evaluate("document.body.classList.remove('sb-print-record')")
    # the submitted state survives a reload
    page.reload()
    _wait_status(page, "You submitted your reflection on")
    assert page.locator("#sb-record").is_visible()
    assert UNIQUE_TEXT in page.locator("#sb-record-text").inner_text()
    assert page.locator("#sb-text").input_value() == UNIQUE_TEXT


def test_position_is_restored(page: Any, site: Path) -> None:
    _open(page, site.as_uri())
    _seek_via_button(page, 2)
    page.wait_for_function("document.getElementById('sb-media').currentTime > 4.6")
    page.evaluate("document.getElementById('sb-media').pause()")
    page.reload()
    page.wait_for_function("document.getElementById('sb-media').currentTime > 4.3", timeout=5000)
    assert page.evaluate("document.getElementById('sb-media').paused") is True


def test_storage_blocked_does_not_break_the_page(browser: Any, site: Path) -> None:
    context = browser.new_context()
    context.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('blocked', 'SecurityError'); }});"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        _open(page, site.as_uri())
        page.get_by_label("Is compassion the most important intervention?").fill(UNIQUE_TEXT)
        page.locator("#sb-text").blur()
        page.wait_for_function("document.getElementById('sb-alert').textContent.includes('Copy your text')")
        assert page.get_by_role("button", name="Play from 0:02", exact=True).is_visible()
        assert errors == []
    finally:
        context.close()


def test_lms_backend_gets_finish_button_and_calls(browser: Any, tmp_path: Path, clip: Path) -> None:
    """A runtime script registered before step.js is used instead of localStorage."""
    out = tmp_path / "lms"
    page_path = render_page(out, clip, target="scorm12", runtime_scripts=["runtime/fake.js"])
    (out / "runtime").mkdir()
    (out / "runtime" / "fake.js").write_text(
        """(window.ScormBuilderBackends = window.ScormBuilderBackends || []).push(function (d) {
  window.__calls = [];
  return {name: "fake", maxReflection: 500,
    open: function () { window.__calls.push("open"); return Promise.resolve({state: {draft: "from LMS", submitted: null, position: 0}, resumed: true}); },
    save: function (s, r) { window.__calls.push("save:" + r); return {ok: false, error: "LMS is offline"}; },
    submit: function (s) { window.__calls.push("submit:" + s.submitted.text); return {ok: true}; },
    finish: function () { window.__calls.push("finish"); return {ok: true}; }};
});""",
        encoding="utf-8",
    )
    context = browser.new_context()
    page = context.new_page()
    try:
        _open(page, page_path.as_uri())
        assert page.locator("nav").count() == 0
        field = page.locator("#sb-text")
        page.wait_for_function("document.getElementById('sb-text').value === 'from LMS'")
        assert page.locator("#sb-limit-n").inner_text() == "500"
        field.fill("from LMS and more")
        field.blur()
        page.wait_for_function("document.getElementById('sb-alert').textContent.includes('LMS is offline')")
        page.get_by_role("button", name="Submit reflection").click()
        _wait_status(page, "Reflection submitted")
        page.get_by_role("button", name="Finish").click()
        _wait_status(page, "finished")
        calls = page.evaluate("window.__calls")
        assert calls[0] == "open" and "submit:from LMS and more" in calls and "finish" in calls
    finally:
        context.close()


# ---------------------------------------------------------------- without JavaScript

def test_without_javascript_transcript_and_body_are_there(browser: Any, site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site.as_uri())
        paras = page.locator("#sb-transcript p")
        assert paras.count() == len(PARAGRAPHS)
        first = paras.nth(0)
        assert first.locator("strong.sb-speaker").inner_text() == "SUZIE"
        assert "<b>kindness</b> & \"outcomes\"" in first.inner_text()  # escaped, shown as text
        assert paras.nth(2).locator("strong").count() == 0  # speaker carried over, not repeated
        assert page.locator("#body-marker").is_visible()
        assert page.locator("#sb-transcript button").count() == 0
        assert page.get_by_role("link", name="Download transcript (.txt)").get_attribute("href") == (
            "transcripts/evidence-outcomes.txt"
        )
        assert page.locator("label[for=sb-text]").is_visible()
    finally:
        context.close()
