"""The FutureLearn importer: saved step page in, course source folder out.

The fixtures under ``tests/fixtures/futurelearn`` are small pages written for these tests in the
saved-page layout; the real seed page is checked too when ``/work/shared/seed`` is present.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from scorm_builder.errors import SourceError
from scorm_builder.importers import ImportResult, import_futurelearn
from scorm_builder.importers.discussion import privatise_sentence
from scorm_builder.importers.futurelearn import (
    markdown_escape,
    parse_timestamp,
    slugify,
    speaker_label,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "futurelearn"
from tests.conftest import SEED  # noqa: E402

COURSE_KEYS = {"id", "title", "language", "description", "licence", "credits", "steps"}
STEP_KEYS = {"title", "intro", "media", "transcript", "body", "reflection", "completion"}
SLUG = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
STAMP = re.compile(r"^(?:\d+(?:\.\d+)?|(?:\d+:)?\d+:\d{2}(?:\.\d+)?)$")


def run(tmp_path: Path, name: str, **kwargs: Any) -> tuple[ImportResult, Path]:
    out = tmp_path / "course"
    return import_futurelearn(FIXTURES / name, out, **kwargs), out


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def step_dir(out: Path) -> Path:
    (only,) = (out / "steps").iterdir()
    return only


def read_transcript(path: Path) -> list[tuple[str, str]]:
    """Parse transcript.txt by the documented rule: timestamp line, then lines up to the next one."""
    entries: list[tuple[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if STAMP.match(line.strip()):
            entries.append((line.strip(), []))
        elif line.strip():
            assert entries, f"text before the first timestamp: {line!r}"
            entries[-1][1].append(line)
    return [(stamp, " ".join(lines)) for stamp, lines in entries]


def written_text(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*")) if p.is_file())


def check_layout(out: Path, result: ImportResult) -> tuple[dict[str, Any], dict[str, Any]]:
    """course.yml and step.yml parse into the documented keys and agree with each other."""
    course = load(out / "course.yml")
    assert set(course) == COURSE_KEYS
    assert SLUG.match(course["id"]) and course["id"] == result.course_id
    assert course["steps"] == [result.step_id] and SLUG.match(result.step_id)
    assert course["language"] == "en-GB"
    assert set(course["credits"]) <= {"organisation", "course_title", "provider", "people"}
    assert "All rights reserved" in course["licence"]
    sdir = out / "steps" / result.step_id
    step = load(sdir / "step.yml")
    assert set(step) <= STEP_KEYS and {"title", "intro", "transcript", "completion"} <= set(step)
    assert (sdir / step["transcript"]).is_file()
    if "body" in step:
        assert (sdir / step["body"]).is_file()
    if "reflection" in step:
        assert set(step["reflection"]) == {"prompt", "guiding_questions", "min_length", "max_length"}
        assert step["completion"] == "reflection-submitted"
    else:
        assert step["completion"] == "viewed"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "temporary folder left"
    return course, step


def validate_with_models(out: Path) -> None:
    """The project's own models accept what the importer wrote (when they exist)."""
    models = pytest.importorskip("scorm_builder.models")
    models.Course.model_validate(load(out / "course.yml"))
    for step_yml in (out / "steps").glob("*/step.yml"):
        models.StepSource.model_validate(load(step_yml))


# --- small units -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("23.4", 23.4),
        ("190", 190.0),
        ("4:05", 245.0),
        ("62:30", 3750.0),
        ("1:02:03", 3723.0),
        ("1:02:03.5", 3723.5),
        ("SUZIE: hello", None),
        ("1:75:00", None),
        ("2020s", None),
    ],
)
def test_parse_timestamp(text: str, seconds: float | None) -> None:
    assert parse_timestamp(text) == seconds


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("SUZIE: Hi", "SUZIE"),
        ("DR. ANN O'NEIL: Yes", "DR. ANN O'NEIL"),
        ("HOST 2: Back", "HOST 2"),
        ("Note: lower case is not a label", None),
        ("10: numbers alone are not a label", None),
        ("NO LABEL here without a colon", None),
    ],
)
def test_speaker_label(text: str, label: str | None) -> None:
    assert speaker_label(text) == label


def test_slugify_limits() -> None:
    assert slugify("The evidence for improved patient and service-user outcomes", "step") == (
        "the-evidence-for-improved-patient"
    )
    assert slugify("1.5 Welcome!", "step") == "step-1-5-welcome"
    assert slugify("Ça va? Über", "course") == "ca-va-uber"
    assert slugify("", "course") == "course"
    for text in ("x" * 100, "An Introduction to Leading with Kindness and Compassion in Health"):
        assert SLUG.match(slugify(text, "course"))
    # cut between words as written: a hyphenated compound is kept whole or left out
    assert slugify("Understanding patients and their service-user outcomes", "step") == (
        "understanding-patients-and-their")
    assert slugify("a" * 30 + "-" + "b" * 30, "step") == "a" * 30


@pytest.mark.parametrize(
    ("sentence", "private"),
    [
        (
            "Share your reflections and experiences in the comments below.",
            "Write down your reflections and experiences below.",
        ),
        ("Post your answers in the comments below.", "Write down your answers below."),
        (
            "Share your questions with other learners in the comments section below.",
            "Write down your questions below.",
        ),
        ("Why not share your story in the comments?", "Why not write down your story below?"),
        ("Read other learners' comments and reply to one.", None),
    ],
)
def test_privatise_sentence(sentence: str, private: str | None) -> None:
    assert privatise_sentence(sentence) == private


def test_markdown_escape_renders_as_written() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark", {"html": False})
    for text in (
        "* not a bullet",
        "- nor this",
        "+ nor this",
        "# not a heading",
        "> not a quote",
        "1. not a list",
        "3) nor this",
        "---",
        "snake_case and 2*3*4 and `ticks` and [a](b) and <b>x</b> & &amp; done",
        "back\\slash",
    ):
        html = md.render(markdown_escape(text))
        assert html.startswith("<p>") and html.endswith("</p>\n"), (text, html)
        inner = html[3:-5]
        expected = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert inner == expected, (text, html)


# --- fixtures ----------------------------------------------------------------------------


def test_no_speakers_page(tmp_path: Path) -> None:
    result, out = run(tmp_path, "no_speakers.txt")
    course, step = check_layout(out, result)
    validate_with_models(out)
    assert result.paragraphs == 3 and result.speakers == ()
    assert (result.first_time, result.last_time) == (5.0, 31.0)
    sdir = step_dir(out)
    entries = read_transcript(sdir / "transcript.txt")
    assert [s for s, _ in entries] == ["5", "14.5", "31"]
    assert entries[0][1].startswith("Rivers rarely run straight")
    assert step["title"] == "Reading a river map"
    assert step["intro"] == "Why do rivers bend? Listen to a short explanation before you read on."
    # the reworded instruction stays an instruction, in the prompt; only questions guide
    assert step["reflection"]["prompt"] == (
        "What do you think? Have you seen an oxbow lake? Write down your answers below.")
    assert step["reflection"]["guiding_questions"] == ["Where was it?"]
    body = (sdir / "body.md").read_text(encoding="utf-8")
    assert body.split("\n\n")[0] == (
        "Maps mark these old bends as oxbow lakes; look for them beside wide, slow rivers."
    )
    assert "\\* Not a bullet" in body and "\\# Not a heading" in body and "1\\. This line" in body
    assert result.body_paragraphs == 5
    assert course["credits"] == {
        "organisation": "Example Valley University",
        "course_title": "Rivers and Landscapes for Beginners",
        "provider": "Example Valley University",
    }
    text = written_text(out)
    for gone in ("Skip main navigation", "Subscribe today", "unlimited access", "comments below"):
        assert gone not in text


def test_timestamps_past_an_hour(tmp_path: Path) -> None:
    result, out = run(tmp_path, "past_hour.txt")
    check_layout(out, result)
    validate_with_models(out)
    entries = read_transcript(step_dir(out) / "transcript.txt")
    assert [s for s, _ in entries] == ["3598.5", "3600", "1:00:45", "1:02:03.5", "62:30", "3800.25"]
    assert entries[4][1] == "HOST 2: We are back, and the light has changed."
    assert result.speakers == ("DR. ANN O'NEIL", "HOST 2")
    assert (result.first_time, result.last_time) == (3598.5, 3800.25)
    assert result.course_title == "Long Conversations: A Course in Listening"
    assert any("intro has 2 lines" in w.message for w in result.warnings)


def test_crlf_line_endings(tmp_path: Path) -> None:
    assert b"\r\n" in (FIXTURES / "crlf_page.txt").read_bytes(), "fixture lost its CRLF endings"
    result, out = run(tmp_path, "crlf_page.txt")
    _, step = check_layout(out, result)
    validate_with_models(out)
    assert "\r" not in written_text(out)
    assert read_transcript(step_dir(out) / "transcript.txt") == [
        ("2.0", "SKIPPER: Red sky at night is the old saying."),
        ("9.75", "MATE: And red sky in the morning?"),
        ("17.5", "SKIPPER: A warning, mostly."),
    ]
    assert result.speakers == ("SKIPPER", "MATE")
    assert step["reflection"]["prompt"] == (
        "What do you think? Which sign do you trust most? Write down your experience below.")
    assert step["reflection"]["guiding_questions"] == []
    assert result.provider == "Example Harbour College"


def test_page_without_prompt(tmp_path: Path) -> None:
    result, out = run(tmp_path, "no_prompt.txt")
    _, step = check_layout(out, result)
    validate_with_models(out)
    assert "reflection" not in step and step["completion"] == "viewed"
    assert not result.has_reflection
    assert (step_dir(out) / "body.md").read_text(encoding="utf-8") == (
        "That is why the dough must go into the oven at once.\n"
    )
    assert any("no discussion prompt" in w.message for w in result.warnings)


def test_extra_chrome_is_dropped(tmp_path: Path) -> None:
    result, out = run(tmp_path, "extra_chrome.txt")
    _, step = check_layout(out, result)
    assert step["title"] == "Counting birds in a garden"
    assert step["intro"] == "A guide to a one-hour garden bird count."
    assert read_transcript(step_dir(out) / "transcript.txt") == [
        ("3.2", "GUIDE: Pick one hour and one place, and stay there."),
        ("20.8", "GUIDE: Count the most birds of each kind you see at one time, not the total."),
    ]
    # The question on its own line joins the comment line below it to make one prompt.
    assert step["reflection"]["prompt"] == (
        "What do you think? Which bird did you see most? Write down your count below.")
    assert step["reflection"]["guiding_questions"] == []
    text = written_text(out)
    for chrome in (
        "Menu",
        "Sign in",
        "Week 2",
        "Transcript\n",
        "Download video",
        "Skip to",
        "Mark as complete",
        "Share this article",
        "Learn more",
        "unlimited plan",
    ):
        assert chrome not in text, chrome
    assert result.chrome_lines >= 12


def test_no_transcript_is_an_error_naming_the_line(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        run(tmp_path, "no_transcript.txt")
    assert str(info.value).startswith(f"{FIXTURES / 'no_transcript.txt'}:3: no transcript found")
    assert info.value.hint
    assert not (tmp_path / "course").exists()
    assert list(tmp_path.iterdir()) == []


# --- errors and the output folder ----------------------------------------------------------

PAGE = """Skip main navigation

Title here

Intro here.
{stamps}
Article text.

This article is from the free online

A Course

Created by
A Provider
"""


def write_page(tmp_path: Path, stamps: str) -> Path:
    page = tmp_path / "page.txt"
    page.write_text(PAGE.format(stamps=stamps), encoding="utf-8")
    return page


def test_timestamp_without_paragraph(tmp_path: Path) -> None:
    page = write_page(tmp_path, "1.0\nFirst.\n2.0\n3.0\nThird.")
    with pytest.raises(SourceError, match=r"page\.txt:8: timestamp 2\.0 has no transcript paragraph"):
        import_futurelearn(page, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_timestamps_must_increase(tmp_path: Path) -> None:
    page = write_page(tmp_path, "1.0\nFirst.\n0:30\nSecond.\n0:20\nThird.")
    with pytest.raises(SourceError, match=r"page\.txt:10: timestamp 0:20 is not after .*line 8"):
        import_futurelearn(page, tmp_path / "out")


def test_missing_footer(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Title\n\nIntro.\n1\nHello.\nArticle.\n", encoding="utf-8")
    with pytest.raises(SourceError, match="footer"):
        import_futurelearn(page, tmp_path / "out")


def test_not_utf8(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(b"Title\n\nIntro \xe9t\xe9.\n")
    with pytest.raises(SourceError, match=r"page\.txt:3: saved page is not UTF-8"):
        import_futurelearn(page, tmp_path / "out")


def test_refuses_non_empty_out_folder(tmp_path: Path) -> None:
    out = tmp_path / "course"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SourceError, match="not empty") as info:
        import_futurelearn(FIXTURES / "no_prompt.txt", out)
    assert info.value.hint
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course"]


def test_out_path_that_is_a_file(tmp_path: Path) -> None:
    out = tmp_path / "course"
    out.write_text("x", encoding="utf-8")
    with pytest.raises(SourceError, match="not a folder"):
        import_futurelearn(FIXTURES / "no_prompt.txt", out)


def test_empty_out_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "course"
    out.mkdir()
    result = import_futurelearn(FIXTURES / "no_prompt.txt", out)
    check_layout(out, result)


def test_media_is_copied_and_referenced(tmp_path: Path) -> None:
    media = tmp_path / "My Talk (final).MP4"
    media.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    result, out = run(tmp_path, "crlf_page.txt", media=media)
    _, step = check_layout(out, result)
    assert step["media"] == {"file": "media/my-talk-final.mp4"}
    copied = step_dir(out) / "media" / "my-talk-final.mp4"
    assert copied.read_bytes() == media.read_bytes()
    assert result.media == copied and copied in result.files


def test_non_mp4_media_warns_about_duration(tmp_path: Path) -> None:
    media = tmp_path / "talk.mp3"
    media.write_bytes(b"ID3")
    result, _ = run(tmp_path, "crlf_page.txt", media=media)
    assert any("duration" in w.message for w in result.warnings)


@pytest.mark.parametrize("name", ["missing.mp4", "notes.pdf"])
def test_bad_media_is_refused_before_writing(tmp_path: Path, name: str) -> None:
    media = tmp_path / name
    if name.endswith(".pdf"):
        media.write_bytes(b"%PDF")
    with pytest.raises(SourceError):
        run(tmp_path, "crlf_page.txt", media=media)
    assert not (tmp_path / "course").exists()


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    media = tmp_path / "talk.mp4"
    media.write_bytes(b"data")
    monkeypatch.setattr("scorm_builder.importers.writer.shutil.copyfile", boom)
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(OSError, match="disk full"):
        import_futurelearn(FIXTURES / "no_prompt.txt", work / "course", media=media)
    assert list(work.iterdir()) == []


# --- the real seed page ------------------------------------------------------------------

needs_seed = pytest.mark.skipif(not SEED.is_file(), reason="seed page not present")


def seed_transcript() -> list[tuple[str, str]]:
    """Timestamp and the one paragraph line after it, straight from the seed text."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    return [(line.strip(), lines[i + 1].strip()) for i, line in enumerate(lines) if STAMP.match(line.strip())]


@needs_seed
def test_seed_page(tmp_path: Path) -> None:
    out = tmp_path / "course"
    result = import_futurelearn(SEED, out)
    course, step = check_layout(out, result)
    validate_with_models(out)
    sdir = out / "steps" / result.step_id

    expected = seed_transcript()
    assert len(expected) == 24
    assert read_transcript(sdir / "transcript.txt") == expected
    assert result.paragraphs == 24
    assert result.speakers == ("SUZIE", "MICHAEL")
    assert (result.first_time, result.last_time) == (8.7, 774.3)
    assert expected[-1][1].startswith("SUZIE: I think it’s really encouraging")
    assert expected[-1][1].endswith("having those in balance.")

    assert step["title"] == "The evidence for improved patient and service-user outcomes"
    assert step["intro"].startswith("Why is leading with kindness and compassion important")
    assert step["reflection"] == {
        "prompt": "What do you think? Is compassion the most important intervention for patients "
        "and service-users? Write down your reflections and experiences below.",
        "guiding_questions": [
            "If your answer is yes, why do you think so?",
            "If your answer is no, what else do you think is important?",
        ],
        "min_length": 0,
        "max_length": 4000,
    }
    body = (sdir / "body.md").read_text(encoding="utf-8").rstrip("\n").split("\n\n")
    assert len(body) == 2
    assert body[0].startswith("Having explored why kindness and compassion matter to you")
    assert body[1].startswith("In this video, Guest Educators Suzie Bailey")
    assert course["credits"] == {
        "organisation": "FutureLearn - Learning For Life",
        "course_title": "An Introduction to Leading with Kindness and Compassion in Health and Social Care",
        "provider": "FutureLearn - Learning For Life",
    }
    assert course["title"] == course["credits"]["course_title"]
    assert course["id"] == "an-introduction-to-leading-with-kindness"
    assert result.step_id == "the-evidence-for-improved-patient"

    text = written_text(out)
    for gone in (
        "Our purpose is to transform access",
        "Unlimited package",
        "We offer a diverse selection",
        "Learn more about how FutureLearn",
        "Skip main navigation",
        "This article is from the free online",
        "Created by",
        "in the comments below",
    ):
        assert gone not in text, gone


@needs_seed
def test_seed_loads_with_project_loader(tmp_path: Path) -> None:
    """End to end with the loader, once the transcript parser it needs has landed."""
    pytest.importorskip("scorm_builder.transcript")
    loader = pytest.importorskip("scorm_builder.loader")
    out = tmp_path / "course"
    import_futurelearn(SEED, out)
    loaded = loader.load_course(out)
    (step,) = loaded.steps
    assert len(step.paragraphs) == 24
    assert [p.speaker for p in step.paragraphs][:2] == ["SUZIE", "MICHAEL"]
    assert step.paragraphs[0].start == 8.7 and step.paragraphs[-1].start == 774.3


def test_result_prints_a_summary(tmp_path: Path) -> None:
    result, _ = run(tmp_path, "past_hour.txt")
    text = str(result)
    assert "6 transcript paragraphs from 59:58 to 1:03:20" in text
    assert "speakers: DR. ANN O'NEIL, HOST 2" in text
    assert "warning: intro has 2 lines" in text


def test_wrapped_paragraph_is_an_error_not_body_text(tmp_path: Path) -> None:
    page = write_page(tmp_path, "1.0\nFirst line\nwrapped onto a second.\n2.0\nSecond.")
    with pytest.raises(SourceError, match=r"page\.txt:9: timestamp 2\.0 appears after the transcript ended"):
        import_futurelearn(page, tmp_path / "out")
