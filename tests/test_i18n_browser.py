"""The interface in Arabic, right to left, in headless Chromium, on built packages.

The Arabic course (tests/fixtures/i18n/arabic) is built twice: with ``language: ar`` (right to left)
and, for comparison, with ``language: en`` (the same content with the English, left-to-right
interface). What is measured: the direction, the mirrored layout (boxes compared between the two
builds), the video kept left to right, mixed-direction text, no English interface string left, Arabic
plural forms for 0, 1, 2, 3, 11 and 100, both accessibility engines, and a SCORM 1.2 run in scorm-again.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tests.test_scorm12_runtime as s12
from scorm_builder.i18n import LOCALE_DIR, mo_entries
from tests.i18n_support import arabic_course, build_unzipped, set_language
from tests.support.engines import check_both
from tests.support.scorm_site import scorm_again_site

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARABIC_TEXT = "التسليم الجيد يبدأ بسؤال الزميل عن حاله، كما قال Tom."


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("i18n")
    rtl, _ = build_unzipped(arabic_course(base / "rtl"), base / "rtl-out")
    ltr, _ = build_unzipped(arabic_course(base / "ltr", language="en"), base / "ltr-out")
    scorm12, _ = build_unzipped(arabic_course(base / "s12"), base / "s12-out", "scorm12")
    return {"rtl": rtl, "ltr": ltr, "scorm12": scorm12}


def open_step(page: Any, folder: Path, width: int = 1280) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto((folder / "index.html").as_uri())
    page.wait_for_function("document.querySelector('.sb-actions') && !document.querySelector('.sb-actions').hidden")


BOXES = """() => {
  const box = s => { const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.right]; };
  return {width: document.documentElement.clientWidth, player: box('.sb-player'),
          transcript: box('.sb-transcript-wrap'),
          h1: (() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('h1'));
                       const b = r.getBoundingClientRect(); return [b.left, b.right]; })(),
          main: box('.sb-main')};
}"""


def test_arabic_page_is_right_to_left_and_its_layout_mirrors(page: Any, builds: dict[str, Path]) -> None:
    open_step(page, builds["ltr"])
    ltr = page.evaluate(BOXES)
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    open_step(page, builds["rtl"])
    rtl = page.evaluate(BOXES)
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir,"
                         " getComputedStyle(document.body).direction]") == ["ar", "rtl", "rtl"]
    assert ltr["player"][0] < ltr["transcript"][0], "LTR: the video on the left, the transcript on its right"
    assert rtl["player"][0] > rtl["transcript"][0], "RTL: the video on the right, the transcript on its left"
    width = rtl["width"]
    assert ltr["width"] == width
    for part in ("player", "transcript", "main"):   # each box is the other build's, mirrored
        assert abs(rtl[part][0] - (width - ltr[part][1])) <= 2, (part, ltr[part], rtl[part])
        assert abs(rtl[part][1] - (width - ltr[part][0])) <= 2, (part, ltr[part], rtl[part])
    # the heading starts at the right edge of the main column
    assert abs(rtl["h1"][1] - rtl["main"][1]) < abs(rtl["h1"][0] - rtl["main"][0])
    # the current paragraph's bar is on the side where lines start (logical border)
    sides = page.evaluate("""() => { const p = document.getElementById('p2'); p.setAttribute('aria-current', 'true');
        const s = getComputedStyle(p); return [s.borderRightWidth, s.borderLeftWidth]; }""")
    assert sides == ["6px", "0px"]
    # the video and its controls stay left to right; timestamps read as written
    assert page.evaluate("getComputedStyle(document.getElementById('sb-media')).direction") == "ltr"
    assert page.evaluate("document.querySelector('#p2 .sb-seek').textContent") == "تشغيل من 0:11"


def test_mixed_direction_text_reads_in_order(page: Any, builds: dict[str, Path]) -> None:
    open_step(page, builds["rtl"])
    passage = page.locator('#p5 span[lang="en"]')
    assert passage.text_content() == "How are you doing?"
    assert passage.evaluate("e => getComputedStyle(e).direction") == "ltr"
    # the English words keep their order: "How" is left of "doing?" inside the right-to-left paragraph
    order = passage.evaluate("""e => { const t = e.firstChild, r = document.createRange();
        r.setStart(t, 0); r.setEnd(t, 3); const how = r.getBoundingClientRect().left;
        r.setStart(t, t.length - 6); r.setEnd(t, t.length); return [how, r.getBoundingClientRect().left]; }""")
    assert order[0] < order[1]
    assert page.locator("#p1 .sb-speaker bdi").text_content() == "PRIYA"
    assert page.evaluate("document.querySelector('.sb-body span[lang=fr]').matches(':lang(fr)')")


def interface_text(page: Any) -> str:
    """Every text node and labelling attribute of the page, hidden ones included (scripts left out)."""
    return page.evaluate("""() => {
      const copy = document.body.cloneNode(true);
      copy.querySelectorAll('script').forEach(s => s.remove());
      const attrs = [...document.querySelectorAll('[aria-label], [title], [alt], [label]')]
        .map(e => ['aria-label', 'title', 'alt', 'label'].map(a => e.getAttribute(a) || '').join(' '));
      return copy.textContent + ' ' + attrs.join(' ') + ' ' + document.title;
    }""")


def english_fragments() -> list[str]:
    """The fixed words of every interface string in English (placeholders cut out), four letters or more."""
    reference = (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.mo").read_bytes()
    out = set()
    for raw in mo_entries(reference):
        for text in raw.decode("utf-8").split("\0"):
            for part in re.split(r"%\(\w+\)s", text):
                if len(part.strip()) >= 4:
                    out.add(part.strip())
    return sorted(out)


def test_no_english_interface_string_is_left(page: Any, builds: dict[str, Path]) -> None:
    fragments = english_fragments()
    assert len(fragments) > 100
    open_step(page, builds["rtl"])
    seen = [interface_text(page)]
    page.click("#sb-capset-btn")
    page.get_by_role("button", name="إرسال التأمل").click()          # an empty reflection: the error
    assert page.locator("#sb-text").get_attribute("aria-invalid") == "true"
    seen.append(interface_text(page))
    page.fill("#sb-text", ARABIC_TEXT)
    page.get_by_role("button", name="إرسال التأمل").click()
    page.wait_for_function("!document.getElementById('sb-record').hidden")
    seen.append(interface_text(page))
    text = "\n".join(seen)
    left = [f for f in fragments if f in text]
    assert left == [], f"English interface text on the Arabic page: {left}"
    for arabic in ("الانتقال إلى المحتوى الرئيسي", "إعدادات الترجمة المرئية", "خطأ: اكتب تأملك",
                   "أُرسل تأملك. يمكنك تنزيل نسخة منه أو طباعتها أدناه.", "سجل تأملك", "حجم النص"):
        assert arabic in text, arabic
    # the dated record: the date as Arabic writes it (month name), from the browser's own locale data
    date = page.text_content("#sb-record-date")
    assert re.search(r"(يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر)", date), date
    assert page.text_content("#sb-record-text") == ARABIC_TEXT
    assert page.get_attribute("#sb-record-text", "dir") == "auto"
    # the downloaded record: its labels in Arabic too, the same date as on the page
    with page.expect_download() as info:
        page.click("#sb-record-dl")
    record = Path(info.value.path()).read_bytes().decode("utf-8").split("\r\n")
    assert record[0] == "سجل التأمل"
    assert "الخطوة: التسليم بعناية" in record and f"التاريخ: {date}" in record
    assert "تأملي:" in record and ARABIC_TEXT in record
    assert [f for f in fragments if f in "\n".join(record)] == []


ARABIC_REMAINING = {
    0: "لم يبقَ لك أي حرف", 1: "بقي لك حرف واحد", 2: "بقي لك حرفان",
    3: "بقي لك 3 أحرف", 11: "بقي لك 11 حرفًا", 100: "بقي لك 100 حرف",
}


def test_arabic_plural_forms_in_the_page(page: Any, builds: dict[str, Path]) -> None:
    open_step(page, builds["rtl"])
    assert page.text_content("#sb-limit") == "يمكنك كتابة 4,000 حرف كحد أقصى."
    shown = {}
    for remaining in ARABIC_REMAINING:
        page.fill("#sb-text", "ب" * (4000 - remaining))
        shown[remaining] = page.text_content("#sb-count")
    assert shown == ARABIC_REMAINING
    page.fill("#sb-text", "ب" * 4011)
    assert page.text_content("#sb-count") == "تجاوزت الحد بـ11 حرفًا"
    page.fill("#sb-text", "بب")
    page.get_by_role("button", name="إرسال التأمل").click()
    assert page.text_content("#sb-error") == "خطأ: يجب ألا يقل تأملك عن 3 أحرف"


def test_both_engines_on_the_arabic_page(page: Any, builds: dict[str, Path]) -> None:
    open_step(page, builds["rtl"])
    check_both(page, "Arabic (rtl), launch page")
    page.click("#sb-capset-btn")
    page.get_by_role("button", name="إرسال التأمل").click()
    check_both(page, "Arabic (rtl), caption settings open, validation error")
    page.fill("#sb-text", ARABIC_TEXT)
    page.get_by_role("button", name="إرسال التأمل").click()
    page.wait_for_function("!document.getElementById('sb-record').hidden")
    check_both(page, "Arabic (rtl), reflection submitted")
    open_step(page, builds["rtl"], width=320)
    check_both(page, "Arabic (rtl), 320 px")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.fixture()
def scorm_site(tmp_path: Path, builds: dict[str, Path]) -> Iterator[Any]:
    with scorm_again_site(tmp_path, {"pkg": builds["scorm12"]}) as server:
        yield server


def test_arabic_scorm12_in_scorm_again_submits_finishes_and_reviews(page: Any, scorm_site: Any) -> None:
    lms = s12.Lms(page, scorm_site)
    frame = lms.launch("/pkg/index.html")
    frame.wait_for_function("document.querySelector('#sb-finish').offsetParent !== null")
    assert frame.evaluate("[document.documentElement.dir, window.top !== window]") == ["rtl", True]
    frame.fill("#sb-text", ARABIC_TEXT)
    frame.get_by_role("button", name="إرسال التأمل").click()
    frame.wait_for_function("document.getElementById('sb-status').textContent.indexOf('أُرسل تأملك') === 0",
                            timeout=20000)
    assert frame.text_content("#sb-step-state") == "\u2713 أكملت هذه الخطوة."
    frame.get_by_role("button", name="إنهاء", exact=True).click()
    page.wait_for_function("host.calls.some(c => c.fn === 'LMSFinish')")
    assert frame.text_content("#sb-finished") == "أنهيت هذه الخطوة. يمكنك إغلاق هذه النافذة."
    final = lms.snapshots()[-1]["cmi"]
    assert final["core"]["lesson_status"] == "completed"
    assert s12.decode(frame, final["suspend_data"])["submitted"]["text"] == ARABIC_TEXT
    # the same attempt in review mode: the runtime's notice, translated by the page
    loaded = s12.relaunch_cmi(final)
    loaded["core"].update(lesson_mode="review", credit="no-credit")
    frame = lms.launch("/pkg/index.html", cmi=loaded)
    frame.wait_for_function("!document.getElementById('sb-record').hidden")
    assert frame.text_content("#sb-notice") == "أنت تراجع هذه الخطوة: لا تُحفظ التغييرات."
    assert frame.get_by_role("button", name="إرسال التأمل").is_disabled()
    assert "أرسلت تأملك في" in (frame.text_content("#sb-status") or "")


def test_arabic_contents_page_counts_steps_with_arabic_plurals(page: Any, tmp_path: Path) -> None:
    """The three-step example with language: ar: the contents page and its progress line (contents.js)."""
    course = tmp_path / "habits"
    shutil.copytree(ROOT / "course_src" / "handover-habits", course)
    set_language(course, "ar")
    folder, _ = build_unzipped(course, tmp_path / "out")
    page.goto((folder / "index.html").as_uri())
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.text_content("#sb-steps-h") == "خطوات هذه الدورة"
    assert page.text_content(".sb-continue-label") == "ابدأ"
    page.evaluate("localStorage.setItem('scorm-builder:handover-habits:progress',"
                  " JSON.stringify({done: {'the-conversation': true}}))")
    page.reload()
    page.wait_for_function("!document.getElementById('sb-progress').hidden")
    assert page.text_content("#sb-progress") == "أكملت 1 من 3 خطوات."
    assert page.text_content(".sb-continue-label") == "متابعة"
    assert page.text_content(".sb-step-done:not([hidden])") == "(أُنجزت)"
