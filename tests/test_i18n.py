"""The interface catalogues: in sync with the sources, complete, plural rules right, fallbacks warned.

The browser side (Arabic pages rendered right to left, plural forms in the page, a SCORM 1.2 run) is
in tests/test_i18n_browser.py.
"""

from __future__ import annotations

import gettext
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from scorm_builder.errors import Location
from scorm_builder.i18n import LOCALE_DIR, load_interface, mo_keys, shipped_languages
from scorm_builder.i18n.catalogues import POT, check, extract, message_ids
from scorm_builder.markdown import render_markdown
from tests.helpers import copy_example
from tests.i18n_support import arabic_course, build_unzipped, set_language

WHERE = Location(Path("course.yml"), 3, 11)
TRANSLATED = ("ar", "fr")


def test_extraction_matches_the_committed_template_and_every_mo_its_po() -> None:
    extracted = message_ids(extract())
    # the extraction sees the three kinds of source: a template, the page script, a runtime
    assert {"Submit reflection", ("You have %(n)s character remaining", "You have %(n)s characters remaining"),
            "You are reviewing this step: changes are not saved."} <= extracted
    with POT.open("rb") as handle:
        assert message_ids(read_po(handle)) == extracted
    assert check() == []


def test_every_marked_string_in_the_page_script_is_in_the_template() -> None:
    """A string the script shows without _()/ngettext() would stay English: none does."""
    script = (Path(__file__).resolve().parent.parent / "templates" / "assets" / "step.js").read_text("utf-8")
    shown = re.findall(r"(?:status|alertMsg|rescueMsg)\(\"([^\"]+)\"", script)
    assert shown == [], f"shown without the catalogue: {shown}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_shipped_catalogues_translate_every_string(language: str) -> None:
    reference = mo_keys(LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.mo")
    keys = mo_keys(LOCALE_DIR / language / "LC_MESSAGES" / "messages.mo")
    assert set(keys) == set(reference)
    assert all(keys.values())
    assert shipped_languages() == ["ar", "en", "fr"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_survive_translation(language: str) -> None:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        wanted = set(re.findall(r"%\(\w+\)s", " ".join(ids)))
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for text in strings:
            found = set(re.findall(r"%\(\w+\)s", text))
            assert found <= wanted, (message.id, text)
            if "%(limit)s" in wanted:   # the limit carries the element the page script updates
                assert "%(limit)s" in found, (message.id, text)


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_rule_of_each_catalogue_agrees_with_cldr(language: str) -> None:
    """Each gettext plural index stands for exactly one CLDR category of the locale, for n in 0..1000."""
    translations = load_interface(language, WHERE).translations
    locale = Locale.parse(language)
    index_of: dict[str, int] = {}
    category_of: dict[int, str] = {}
    for n in range(1001):
        index = int(translations.plural(n))  # type: ignore[attr-defined]
        category = locale.plural_form(n)
        assert index_of.setdefault(category, index) == index, (n, category)
        assert category_of.setdefault(index, category) == category, (n, index)
    assert len(index_of) == (6 if language == "ar" else 2)


def test_arabic_plural_forms_in_python() -> None:
    ui = load_interface("ar", WHERE)
    singular, plural = "You can enter up to %(limit)s character.", "You can enter up to %(limit)s characters."
    forms = {n: ui.ngettext(singular, plural, n) % {"limit": n} for n in (0, 1, 2, 3, 11, 100)}
    assert forms == {0: "يمكنك كتابة 0 حرف كحد أقصى.", 1: "يمكنك كتابة 1 حرف كحد أقصى.",
                     2: "يمكنك كتابة 2 حرف كحد أقصى.", 3: "يمكنك كتابة 3 أحرف كحد أقصى.",
                     11: "يمكنك كتابة 11 حرفًا كحد أقصى.", 100: "يمكنك كتابة 100 حرف كحد أقصى."}


@pytest.mark.parametrize(("tag", "catalogue", "direction"), [
    ("ar", "ar", "rtl"), ("ar-EG", "ar", "rtl"), ("fr-CA", "fr", "ltr"), ("fr", "fr", "ltr"),
    ("en-GB", "en", "ltr"), ("en", "en", "ltr"),
])
def test_region_subtags_fall_back_to_the_language(tag: str, catalogue: str, direction: str) -> None:
    ui = load_interface(tag, WHERE)
    assert (ui.catalogue, ui.direction, ui.warnings) == (catalogue, direction, ())
    assert ui.gettext("Submit reflection") == {"ar": "إرسال التأمل", "fr": "Envoyer la réflexion",
                                               "en": "Submit reflection"}[catalogue]


def test_numbers_are_formatted_for_the_locale() -> None:
    assert load_interface("en-GB", WHERE).number(4000) == "4,000"
    assert load_interface("fr", WHERE).number(4000) == "4\u202f000"
    assert load_interface("ar", WHERE).number(4000) == "4,000"   # CLDR: Arabic (ar) writes Latin digits


def test_a_language_without_a_catalogue_builds_in_english_with_one_warning(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    set_language(course, "de")
    folder, outcome = build_unzipped(course, tmp_path / "out")
    line = next(n for n, text in enumerate((course / "course.yml").read_text("utf-8").splitlines(), 1)
                if text.startswith("language:"))
    found = [w for w in outcome.warnings if "catalogue" in w.message]
    assert len(found) == 1
    assert (found[0].location.path, found[0].location.line) == (course / "course.yml", line)
    assert "'de'" in found[0].message and "ar, en, fr" in found[0].message
    page = (folder / "index.html").read_text("utf-8")
    assert '<html lang="de">' in page and "Submit reflection" in page


def test_a_catalogue_missing_strings_falls_back_to_english_naming_them(tmp_path: Path) -> None:
    """A course's own catalogue (templates/locale) without two strings: those are English, named once."""
    course = copy_example(tmp_path)
    set_language(course, "fr")
    with (LOCALE_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    catalog.delete("Submit reflection")
    catalog["Transcript"].string = ""
    out = io.BytesIO()
    write_mo(out, catalog)
    own = course / "templates" / "locale" / "fr" / "LC_MESSAGES" / "messages.mo"
    own.parent.mkdir(parents=True)
    own.write_bytes(out.getvalue())
    folder, outcome = build_unzipped(course, tmp_path / "out")
    found = [w for w in outcome.warnings if "catalogue" in w.message]
    assert len(found) == 1, [w.message for w in outcome.warnings]
    assert "2 interface strings" in found[0].message
    assert "'Submit reflection'" in found[0].message and "'Transcript'" in found[0].message
    page = (folder / "index.html").read_text("utf-8")
    assert ">Submit reflection</button>" in page and '<h2 id="sb-transcript-h">Transcript</h2>' in page
    assert "Aller au contenu principal" in page       # the rest is French


def test_the_shipped_french_catalogue_builds_without_warnings(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    set_language(course, "fr-CA")
    folder, outcome = build_unzipped(course, tmp_path / "out")
    assert [w for w in outcome.warnings if "catalogue" in w.message] == []
    page = (folder / "index.html").read_text("utf-8")
    assert '<html lang="fr-CA">' in page and "Envoyer la réflexion" in page and 'dir="rtl"' not in page
    assert "Vous pouvez saisir jusqu’à <span id=\"sb-limit-n\">4\u202f000</span> caractères." in page


def test_english_pages_carry_no_catalogue_and_no_direction(tmp_path: Path) -> None:
    folder, outcome = build_unzipped(copy_example(tmp_path), tmp_path / "out")
    page = (folder / "index.html").read_text("utf-8")
    assert '"i18n"' not in page and "dir=" not in page
    assert [w for w in outcome.warnings if "catalogue" in w.message] == []


def test_arabic_page_is_right_to_left_with_its_strings_for_the_script(tmp_path: Path) -> None:
    folder, outcome = build_unzipped(arabic_course(tmp_path), tmp_path / "out", "scorm12")
    assert [w for w in outcome.warnings if "catalogue" in w.message] == []
    page = (folder / "index.html").read_text("utf-8")
    assert '<html lang="ar" dir="rtl">' in page
    assert 'id="sb-media" class="sb-media" controls preload="none" data-sb-preload="metadata" dir="ltr"' in page
    assert '<strong class="sb-speaker"><bdi>PRIYA</bdi></strong>' in page
    data = json.loads(page.split('id="sb-data">')[1].split("</script>")[0])["i18n"]
    assert (data["locale"], data["dir"]) == ("ar", "rtl")
    # the review notice of the SCORM runtime reaches the page translated
    assert data["messages"]["You are reviewing this step: changes are not saved."] \
        == "أنت تراجع هذه الخطوة: لا تُحفظ التغييرات."
    assert len(data["plurals"]["You have entered %(n)s character"]) == 6


def test_marked_passages_get_their_language(tmp_path: Path) -> None:
    html = render_markdown("Say [bonjour à *tous*]{lang=fr} and [hola]{lang=es-419}.\n\n[not marked] {lang=fr}",
                           tmp_path / "body.md", tmp_path, "media/x").html
    assert html == ('<p>Say <span lang="fr" dir="auto">bonjour à <em>tous</em></span> and '
                    '<span lang="es-419" dir="auto">hola</span>.</p>\n<p>[not marked] {lang=fr}</p>\n')
    folder, _ = build_unzipped(arabic_course(tmp_path), tmp_path / "out")
    page = (folder / "index.html").read_text("utf-8")
    assert '<span lang="en" dir="auto">How are you doing?</span>' in page        # transcript
    assert '<span lang="fr" dir="auto">Comment s’est passée ta journée ?</span>' in page   # reading
    with zipfile.ZipFile(next((tmp_path / "out").glob("*.zip"))) as archive:
        vtt = archive.read("media/handover-conversation/captions.vtt").decode("utf-8")
        txt = archive.read("media/handover-conversation/transcript.txt").decode("utf-8")
    for text in (vtt, txt):   # captions and the download show the words, not the marks
        assert "{lang=" not in text and "How are you" in text


def test_gettext_reads_the_compiled_catalogue_without_babel() -> None:
    """A build's catalogue is the standard library's GNUTranslations over the committed .mo."""
    with (LOCALE_DIR / "ar" / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    assert translations.gettext("Transcript") == "النص المكتوب"
    assert translations.ngettext("You have entered %(n)s character", "You have entered %(n)s characters", 2) \
        == "كتبت حرفين"


def test_an_english_build_does_not_import_babel(tmp_path: Path) -> None:
    """Start-up stays small: Babel is imported only to format numbers for another language."""
    course = copy_example(tmp_path)
    script = ("import sys; from pathlib import Path; from scorm_builder.build import build_course; "
              f"build_course(Path({str(course)!r}), ['web'], Path({str(tmp_path / 'out')!r})); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))")
    english = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert english.stdout.strip() == "[]"
    set_language(course, "fr")
    french = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "babel.numbers" in french.stdout   # the control: the same probe sees Babel when it is used


def test_a_right_to_left_language_without_a_catalogue_is_still_right_to_left() -> None:
    """Hebrew content with the English interface: the page (its lang, its text) is still right to left."""
    ui = load_interface("he", WHERE)
    assert (ui.catalogue, ui.direction, len(ui.warnings)) == ("en", "rtl", 1)


def test_xapi_descriptor_names_its_activities_in_the_course_language(tmp_path: Path) -> None:
    folder, _ = build_unzipped(arabic_course(tmp_path), tmp_path / "out", "xapi")
    tincan = (folder / "tincan.xml").read_text("utf-8")
    assert '<name lang="ar">التأمل: التسليم بعناية</name>' in tincan
    assert '<name lang="ar">الفيديو: التسليم بعناية</name>' in tincan
    assert "Reflection:" not in tincan and "Video:" not in tincan
