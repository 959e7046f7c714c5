"""Captions that follow the speech: forced alignment (the ``align`` extra) on dialogues of known timing.

The dialogues (tests/support/dialogue.py) are spoken by espeak-ng sentence by sentence with pauses
of 0.3-2.5 s, so the onset of every sentence is known to the sample; the builder gets only one
timestamp per paragraph. Two voices x two speaking rates.
"""

from __future__ import annotations

import itertools
import os
import shutil
import statistics
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorm_builder.align import WordTiming, align_words, aligner_available
from scorm_builder.alignedcaptions import PAUSE_SPLIT, aligned_cues, transcript_words
from scorm_builder.build import build_course
from scorm_builder.captions import (
    FAST_CPS,
    MAX_DURATION,
    MAX_LINE_CHARS,
    MIN_DURATION,
    MIN_GAP,
    Cue,
    label_tokens,
    make_cues,
    to_webvtt,
)
from scorm_builder.loader import load_course
from scorm_builder.plan import make_plan
from scorm_builder.transcript import Paragraph
from tests.support.dialogue import Dialogue, make_dialogue

ROOT = Path(__file__).resolve().parent.parent
CASES = [("en-gb+m3", 150), ("en-gb+m3", 185), ("en-us+f2", 150), ("en-us+f2", 185)]
EPS = 0.0005

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None,
                                reason="scripts/test.sh installs espeak-ng and ffmpeg")


@pytest.fixture(scope="session")
def dialogues(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], Dialogue]:
    """The four dialogues, spoken once per test session."""
    root = tmp_path_factory.mktemp("dialogues")
    return {(voice, rate): make_dialogue(root / f"{voice}-{rate}", voice, rate, seed=number)
            for number, (voice, rate) in enumerate(CASES)}


@pytest.fixture(scope="session", autouse=True)
def _needs_aligner() -> None:
    if not aligner_available():
        pytest.fail('the align extra is missing; scripts/test.sh installs ".[test,align]"')


def _cues(course: Path) -> tuple[list[Cue], list[str]]:
    plan = make_plan(load_course(course))
    return list(plan.steps[0].cues), [str(w) for w in plan.warnings]


def _cue_words(cue: Cue) -> list[str]:
    words = " ".join(cue.lines).split()
    if cue.show_label:
        assert cue.speaker is not None
        label = label_tokens(cue.speaker)
        assert words[:len(label)] == label
        words = words[len(label):]
    return words


def _sentence_of_words(dialogue: Dialogue) -> list[int]:
    """For each word of the transcript, the sentence it belongs to."""
    return [number for number, sentence in enumerate(dialogue.sentences) for _ in sentence.split()]


def _cue_spans(cues: Sequence[Cue]) -> list[tuple[int, int]]:
    """Each cue's words as a range [first, last) of transcript word indices."""
    spans, at = [], 0
    for cue in cues:
        count = len(_cue_words(cue))
        spans.append((at, at + count))
        at += count
    return spans


def onset_errors(dialogue: Dialogue, cues: Sequence[Cue]) -> list[float]:
    """|cue start - sentence onset| for every cue that begins with a sentence's first word."""
    sentence = _sentence_of_words(dialogue)
    errors = []
    for cue, (first, _) in zip(cues, _cue_spans(cues), strict=True):
        if first == 0 or sentence[first - 1] != sentence[first]:
            errors.append(abs(cue.start - dialogue.onsets[sentence[first]]))
    return errors


def _p90(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def _proportional(dialogue: Dialogue) -> list[Cue]:
    loaded = load_course(dialogue.course)
    step = loaded.steps[0]
    return make_cues(step.paragraphs, step.duration)[0]


@pytest.mark.parametrize(("voice", "rate"), CASES)
def test_cues_start_with_the_sentence(dialogues: dict[tuple[str, int], Dialogue], voice: str, rate: int) -> None:
    dialogue = dialogues[voice, rate]
    cues, warnings = _cues(dialogue.course)
    assert warnings == []
    aligned = onset_errors(dialogue, cues)
    before = onset_errors(dialogue, _proportional(dialogue))
    print(f"\n{voice} {rate} wpm: sentence-start error aligned median {statistics.median(aligned):.3f} s, "
          f"p90 {_p90(aligned):.3f} s, max {max(aligned):.3f} s ({len(aligned)} cues); proportional median "
          f"{statistics.median(before):.3f} s, p90 {_p90(before):.3f} s, max {max(before):.3f} s")
    assert len(aligned) >= 8
    assert statistics.median(aligned) <= 0.15
    assert _p90(aligned) <= 0.4
    # the proportional timing these cues replace is measurably worse on the same speech
    assert statistics.median(aligned) < statistics.median(before)


@pytest.mark.parametrize(("voice", "rate"), CASES)
def test_caption_rules_hold_and_every_word_stays(dialogues: dict[tuple[str, int], Dialogue], voice: str,
                                                 rate: int) -> None:
    dialogue = dialogues[voice, rate]
    cues, _ = _cues(dialogue.course)
    step = load_course(dialogue.course).steps[0]
    paragraphs = step.paragraphs
    assert step.duration is not None
    # every word, in order, each in its own paragraph's cues
    assert [w for cue in cues for w in _cue_words(cue)] == " ".join(dialogue.sentences).split()
    for index, paragraph in enumerate(paragraphs):
        own = [cue for cue in cues if cue.paragraph == index]
        assert [w for cue in own for w in _cue_words(cue)] == paragraph.text.split()
        assert own[0].start == pytest.approx(paragraph.start, abs=EPS)
        limit = paragraphs[index + 1].start - MIN_GAP if index + 1 < len(paragraphs) else step.duration
        assert own[-1].end <= limit + EPS
        # the first cue of each turn carries the speaker's name, and only it
        assert [cue.show_label for cue in own] == [paragraph.labelled] + [False] * (len(own) - 1)
        if paragraph.labelled:
            assert own[0].lines[0].startswith(f"{paragraph.speaker}:")
    for cue, following in zip(cues, [*cues[1:], None], strict=True):
        assert len(cue.lines) <= 2 and all(len(line) <= MAX_LINE_CHARS for line in cue.lines)
        assert MIN_DURATION - EPS <= cue.duration <= MAX_DURATION + EPS
        assert len(cue.text) / cue.duration <= FAST_CPS
        if following is not None:
            assert following.start - cue.end >= MIN_GAP - EPS


@pytest.mark.parametrize(("voice", "rate"), CASES)
def test_pauses_are_never_inside_a_cue(dialogues: dict[tuple[str, int], Dialogue], voice: str, rate: int) -> None:
    dialogue = dialogues[voice, rate]
    cues, _ = _cues(dialogue.course)
    sentence = _sentence_of_words(dialogue)
    pauses = [(dialogue.ends[i], dialogue.onsets[i + 1]) for i in range(len(dialogue.sentences) - 1)]
    long_pauses = [i for i, (a, b) in enumerate(pauses) if b - a > PAUSE_SPLIT + 0.05]
    assert len(long_pauses) >= 3                       # the dialogue has some to test
    for cue, (first, last) in zip(cues, _cue_spans(cues), strict=True):
        for i in long_pauses:
            # no cue holds words from both sides of a long pause, nor covers it in time
            assert not (sentence[first] <= i < sentence[last - 1]), (cue.text, pauses[i])
            assert not (cue.start <= pauses[i][0] and cue.end >= pauses[i][1])
    # a long silence leaves the screen empty for a while
    for i in long_pauses:
        a, b = pauses[i]
        if b - a >= 1.5:
            covered = sum(max(0.0, min(b, cue.end) - max(a, cue.start)) for cue in cues)
            assert (b - a) - covered >= 0.4, (a, b, covered)


def test_alignment_is_deterministic(dialogues: dict[tuple[str, int], Dialogue], tmp_path: Path) -> None:
    dialogue = dialogues[CASES[0]]
    step = load_course(dialogue.course).steps[0]
    assert step.media_path is not None
    words = transcript_words(step.paragraphs)
    first = align_words(step.media_path, words, "eng")
    assert first == align_words(step.media_path, words, "eng")
    assert all(round(t.start * 1000) / 1000 == t.start and round(t.end * 1000) / 1000 == t.end for t in first)
    # one build here, one in a fresh process (nothing remembered between them)
    first_zip = build_course(dialogue.course, ["web"], tmp_path / "a").results[0].path.read_bytes()
    subprocess.run([sys.executable, "-m", "scorm_builder", "build", str(dialogue.course), "--target", "web",
                    "--out", str(tmp_path / "b")], check=True, capture_output=True,
                   env={**_env(), "SCORM_BUILDER_CACHE_DIR": ""})
    assert first_zip == (tmp_path / "b" / "talk-web.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a" / "talk-web.zip") as archive:
        shipped = archive.read("media/talk/captions.vtt").decode()
    assert shipped == to_webvtt(_cues(dialogue.course)[0], "en-GB")


def test_align_false_in_step_yml_times_from_the_timestamps(dialogues: dict[tuple[str, int], Dialogue],
                                                          tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(dialogues[CASES[1]].course, course)
    step_yml = course / "steps" / "talk" / "step.yml"
    step_yml.write_text(step_yml.read_text().replace("  file: media/talk.m4a\n",
                                                     "  file: media/talk.m4a\n  align: false\n"))
    loaded = load_course(course)
    plan = make_plan(loaded)
    assert list(plan.steps[0].cues) == make_cues(loaded.steps[0].paragraphs, loaded.steps[0].duration)[0]
    assert plan.notes == ()
    # a typo under media is still an error at its line
    step_yml.write_text(step_yml.read_text().replace("align: false", "aline: false"))
    run = subprocess.run([sys.executable, "-m", "scorm_builder", "build", str(course), "--out",
                          str(tmp_path / "out")], capture_output=True, text=True, env=_env())
    assert run.returncode == 1
    assert "step.yml:4:3: unknown key 'media.aline' (did you mean 'align'?)" in run.stderr


def test_a_timestamp_the_speech_disagrees_with_is_kept_with_a_warning(
        dialogues: dict[tuple[str, int], Dialogue], tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(dialogues[CASES[2]].course, course)
    transcript = course / "steps" / "talk" / "transcript.txt"
    lines = transcript.read_text().split("\n")
    # the third paragraph's timestamp (line 7) is 2 s early
    lines[6] = f"{float(lines[6]) - 2:.1f}"
    transcript.write_text("\n".join(lines))
    loaded = load_course(course)
    plan = make_plan(loaded)
    warnings = [str(w) for w in plan.warnings]
    assert any(w.startswith(f"{transcript}:7: warning: the aligner hears this paragraph start at") and
               "timed in proportion to its characters" in w for w in warnings), warnings
    cues = list(plan.steps[0].cues)
    step = loaded.steps[0]
    proportional = make_cues(step.paragraphs, step.duration)[0]
    assert [c for c in cues if c.paragraph == 2] == [c for c in proportional if c.paragraph == 2]
    assert [w for cue in cues for w in _cue_words(cue)] == " ".join(dialogues[CASES[2]].sentences).split()


def test_an_unsure_aligner_is_overruled_for_that_paragraph() -> None:
    paragraphs = [Paragraph(0.5, "ANN", "One two three four five six.", 1, True),
                  Paragraph(5.0, "ANN", "Seven eight nine ten eleven twelve.", 4, False)]
    words = transcript_words(paragraphs)
    good = [WordTiming(0.5 + 0.4 * i, 0.8 + 0.4 * i, 1.0) for i in range(6)]
    # every word of the second paragraph squeezed into a millisecond: no one speaks like that
    squeezed = [WordTiming(5.0 + 0.001 * i, 5.001 + 0.001 * i, 0.05) for i in range(6)]
    cues, warnings = aligned_cues(paragraphs, 9.0, [*good, *squeezed])
    assert len(words) == 12
    assert [(w.line, w.paragraph) for w in warnings] == [(4, 1)]
    assert "unsure" in warnings[0].message
    assert [c for c in cues if c.paragraph == 1] == [c for c in make_cues(paragraphs, 9.0)[0] if c.paragraph == 1]
    assert cues[0].start == 0.5


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


BLOCK_AENEAS = ("import runpy, sys; sys.modules['aeneas'] = None; sys.argv = ['scorm-builder', *sys.argv[1:]]; "
                "runpy.run_module('scorm_builder', run_name='__main__')")


def test_without_the_extra_the_build_succeeds_and_says_once_how_to_align(tmp_path: Path) -> None:
    # two courses with media in ./course_src: the hint comes once for the whole run
    shutil.copytree(ROOT / "course_src", tmp_path / "course_src")
    run = subprocess.run([sys.executable, "-c", BLOCK_AENEAS, "build", "--target", "web", "--out", "dist"],
                         cwd=tmp_path, capture_output=True, text=True, env=_env())
    assert run.returncode == 0, run.stderr
    assert run.stderr.count('pip install "scorm-builder[align]"') == 1, run.stderr
    assert "Traceback" not in run.stderr
    # and the captions are the proportional ones, exactly as before the extra existed
    loaded = load_course(tmp_path / "course_src" / "kind-handovers")
    step = loaded.steps[0]
    with zipfile.ZipFile(tmp_path / "dist" / "kind-handovers-web.zip") as archive:
        shipped = archive.read(f"media/{step.id}/captions.vtt").decode()
    assert shipped == to_webvtt(make_cues(step.paragraphs, step.duration)[0], "en-GB")
    # with the extra, the same build aligns and gives no hint
    run = subprocess.run([sys.executable, "-m", "scorm_builder", "build", "--target", "web", "--out", "dist2"],
                         cwd=tmp_path, capture_output=True, text=True, env=_env())
    assert run.returncode == 0, run.stderr
    assert "scorm-builder[align]" not in run.stderr



# the CLI, with an aligner that refuses to run: a build that still aligns took its timings from the disk cache
ALIGNER_REFUSES = "\n".join([
    "import runpy, sys",
    "import scorm_builder.align as aligner",
    "def refuse(*args, **kwargs):",
    "    raise aligner.AlignError('the aligner was asked again')",
    "aligner.align_words = refuse",
    "sys.argv = ['scorm-builder', *sys.argv[1:]]",
    "runpy.run_module('scorm_builder', run_name='__main__')",
])


def test_a_rebuild_takes_the_alignment_from_the_disk_cache(dialogues: dict[tuple[str, int], Dialogue],
                                                           tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {**_env(), "SCORM_BUILDER_CACHE_DIR": str(cache)}
    course, copy = tmp_path / "course", tmp_path / "copy"
    shutil.copytree(dialogues[CASES[0]].course, course)

    def build(source: Path, out: str, code: list[str], environment: dict[str, str]) -> str:
        run = subprocess.run([sys.executable, *code, "build", str(source), "--target", "web",
                              "--out", str(tmp_path / out)], capture_output=True, text=True, env=environment)
        assert run.returncode == 0, run.stderr
        return run.stderr

    assert "asked again" not in build(course, "a", ["-m", "scorm_builder"], env)
    assert len(list((cache / "align").glob("*.json"))) == 1
    # a copy of the course elsewhere (same media bytes, same words): the same captions, no aligning
    shutil.copytree(course, copy)
    assert "asked again" not in build(copy, "b", ["-c", ALIGNER_REFUSES], env)
    assert (tmp_path / "a" / "talk-web.zip").read_bytes() == (tmp_path / "b" / "talk-web.zip").read_bytes()
    # one word changed is another entry: the aligner is asked (and here refuses, so a warning)
    transcript = copy / "steps" / "talk" / "transcript.txt"
    transcript.write_text(transcript.read_text().replace("Hello", "Hi", 1))
    assert "the aligner was asked again" in build(copy, "c", ["-c", ALIGNER_REFUSES], env)
    # an empty SCORM_BUILDER_CACHE_DIR turns the cache off: asked again, nothing written
    empty = {**_env(), "SCORM_BUILDER_CACHE_DIR": ""}
    assert "the aligner was asked again" in build(course, "d", ["-c", ALIGNER_REFUSES], empty)
    assert len(list((cache / "align").glob("*.json"))) == 1


def test_an_imported_futurelearn_step_with_media_is_aligned(dialogues: dict[tuple[str, int], Dialogue],
                                                            tmp_path: Path) -> None:
    from scorm_builder.importers.futurelearn import import_futurelearn

    dialogue = dialogues[CASES[3]]
    blocks = dialogue.transcript.read_text(encoding="utf-8").strip().split("\n\n")
    page = tmp_path / "step.txt"
    page.write_text("Skip main navigation\n\nA talk about handovers\n\nListen to two nurses.\n"
                    + "\n".join(blocks) + "\n\nThis article is from the free online\n\nKind Handovers\n\n"
                    "Created by\nExample University\n", encoding="utf-8")
    out = tmp_path / "imported"
    import_futurelearn(page, out, media=dialogue.step / "media" / "talk.m4a")
    plan = make_plan(load_course(out))
    assert plan.notes == ()
    assert [str(w) for w in plan.warnings if "aligner" in w.message] == []
    cues = list(plan.steps[0].cues)
    assert [w for cue in cues for w in _cue_words(cue)] == " ".join(dialogue.sentences).split()
    errors = onset_errors(dialogue, cues)
    assert statistics.median(errors) <= 0.15 and _p90(errors) <= 0.4


_WORDS = ["we", "talk", "about", "the", "handover,", "today.", "Why?", "kindness", "matters", "a", "lot.",
          "night-shift", "colleagues", "notice", "everything."]


@st.composite
def _aligned_transcripts(draw: st.DrawFn) -> tuple[list[Paragraph], float, list[WordTiming]]:
    """Paragraphs with monotone word timings: words of 0.05-0.6 s, pauses of 0-3 s between them."""
    count = draw(st.integers(1, 4))
    paragraphs: list[Paragraph] = []
    timings: list[WordTiming] = []
    at = draw(st.floats(0.0, 2.0))
    for index in range(count):
        words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=40))
        start = round(at, 3)
        # the timestamp is within a second of the first word (else the paragraph falls back)
        stamp = max(0.0 if not paragraphs else paragraphs[-1].start + 0.001,
                    round(start + draw(st.floats(-0.5, 0.5)), 1))
        paragraphs.append(Paragraph(stamp, draw(st.sampled_from([None, "ANN", "BEN"])), " ".join(words),
                                    1 + 3 * index, True))
        for _ in words:
            length = draw(st.floats(0.05, 0.6))
            timings.append(WordTiming(round(at, 3), round(at + length, 3), draw(st.sampled_from([1.0, 0.9, 0.2]))))
            at += length + draw(st.sampled_from([0.0, 0.05, 0.3, 0.9, 1.2, 3.0]))
        at += draw(st.floats(0.1, 2.0))
    return paragraphs, round(at + 0.5, 3), timings


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_aligned_transcripts())
def test_aligned_cues_keep_their_promises(case: tuple[list[Paragraph], float, list[WordTiming]]) -> None:
    paragraphs, end, timings = case
    cues, warnings = aligned_cues(paragraphs, end, timings)
    # paragraphs timed by characters instead, always with a warning: the aligner overruled, or a window
    # too short for the cues at their words' times
    overruled = {w.paragraph for w in warnings if "timed in proportion" in w.message}
    assert [w for cue in cues for w in _cue_words(cue)] == transcript_words(paragraphs)
    for shown, after in itertools.pairwise(cues):
        assert after.start >= shown.end                      # never two cues at once
    word = 0
    for index, paragraph in enumerate(paragraphs):
        own = [cue for cue in cues if cue.paragraph == index]
        assert own[0].start == pytest.approx(paragraph.start, abs=EPS)
        limit = paragraphs[index + 1].start - MIN_GAP if index + 1 < len(paragraphs) else end
        if index in overruled:
            word += len(paragraph.text.split())
            continue
        assert own[-1].end <= limit + EPS
        for cue, following in zip(own, [*own[1:], None], strict=True):
            assert len(cue.lines) <= 2 and all(len(line) <= MAX_LINE_CHARS for line in cue.lines)
            assert MIN_DURATION - EPS <= cue.duration <= MAX_DURATION + EPS
            if following is not None:
                assert following.start - cue.end >= MIN_GAP - EPS
            count = len(_cue_words(cue))
            mine = timings[word:word + count]
            # no pause longer than PAUSE_SPLIT between two words of one cue
            assert all(b.start - a.end <= PAUSE_SPLIT + EPS for a, b in itertools.pairwise(mine))
            # a cue never starts before its first word is spoken (the paragraph's first starts at its
            # timestamp), unless pulled back so that the cues before the window's end get their minimum
            if cue is not own[0] and cue.start < mine[0].start - EPS:
                assert own[-1].end >= limit - EPS and own[-1].duration <= MIN_DURATION + EPS
            word += count


def test_media_without_sound_is_timed_from_the_timestamps_with_a_warning(
        dialogues: dict[tuple[str, int], Dialogue], tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(dialogues[CASES[0]].course, course)
    step = course / "steps" / "talk"
    seconds = load_course(course).steps[0].duration
    assert seconds is not None
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=black:s=64x64:r=5",
                    "-t", f"{seconds:.3f}", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(step / "media" / "mute.mp4")],
                   check=True, capture_output=True)
    (step / "step.yml").write_text((step / "step.yml").read_text().replace("media/talk.m4a", "media/mute.mp4"))
    loaded = load_course(course)
    plan = make_plan(loaded)
    warnings = [str(w) for w in plan.warnings]
    assert [w for w in warnings if "could not be aligned" in w] == [
        w for w in warnings if w.startswith(f"{step / 'step.yml'}:3:") and "mute.mp4" in w and
        "timed from the paragraph timestamps" in w], warnings
    assert len([w for w in warnings if "could not be aligned" in w]) == 1
    assert list(plan.steps[0].cues) == make_cues(loaded.steps[0].paragraphs, loaded.steps[0].duration)[0]


def test_long_audio_is_aligned_in_pieces_cut_at_silences(dialogues: dict[tuple[str, int], Dialogue]) -> None:
    import tempfile

    from scorm_builder import align
    from scorm_builder.stepalign import paragraph_anchors

    dialogue = dialogues[CASES[1]]
    step = load_course(dialogue.course).steps[0]
    assert step.media_path is not None
    words = transcript_words(step.paragraphs)
    anchors = paragraph_anchors(step.paragraphs)
    # pieces of about 8 s: the 40 s dialogue is cut at (some of) its 4 inner paragraph starts
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "a.wav"
        align._to_wav(step.media_path, wav)
        speech = align._speech_frames(wav)
        cuts = align._cuts(anchors, align._silences(speech), len(speech) * 10, len(words), 8.0)
    assert len(cuts) >= 3
    for word, at in cuts[1:]:
        assert not speech[at // 10]                     # every cut falls in a silence
        assert word in {first for first, _ in anchors}
    pieces = align_words(step.media_path, words, "eng", anchors, chunk_seconds=8.0)
    assert pieces == align_words(step.media_path, words, "eng", anchors, chunk_seconds=8.0)
    cues, warnings = aligned_cues(step.paragraphs, step.duration, pieces)
    assert warnings == []
    errors = onset_errors(dialogue, cues)
    assert statistics.median(errors) <= 0.15 and _p90(errors) <= 0.4


def test_an_edit_aligns_again_only_the_piece_it_falls_in(dialogues: dict[tuple[str, int], Dialogue], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from scorm_builder import align
    from scorm_builder.stepalign import paragraph_anchors

    monkeypatch.setenv("SCORM_BUILDER_CACHE_DIR", str(tmp_path / "cache"))
    step = load_course(dialogues[CASES[1]].course).steps[0]
    assert step.media_path is not None
    words = transcript_words(step.paragraphs)
    anchors = paragraph_anchors(step.paragraphs)
    first = align_words(step.media_path, words, "eng", anchors, chunk_seconds=8.0)
    pieces = align.last_run["pieces"]
    assert pieces >= 3 and align.last_run["aligned"] == pieces
    assert len(list((tmp_path / "cache" / "align" / "pieces").glob("*.json"))) == pieces
    assert align_words(step.media_path, words, "eng", anchors, chunk_seconds=8.0) == first
    assert align.last_run == {"pieces": pieces, "aligned": 0}
    # a designer corrects a word of the last paragraph: only the last piece is aligned again
    edited = [*words[:-2], "corrected", words[-1]]
    again = align_words(step.media_path, edited, "eng", anchors, chunk_seconds=8.0)
    assert align.last_run == {"pieces": pieces, "aligned": 1}
    assert again != first
    # ... and the timings are those of aligning the whole audio afresh (no cache)
    monkeypatch.setenv("SCORM_BUILDER_CACHE_DIR", "")
    assert align_words(step.media_path, edited, "eng", anchors, chunk_seconds=8.0) == again
    assert align.last_run == {"pieces": pieces, "aligned": pieces}
    # the folder keeps only the newest MAX_PIECES entries
    from scorm_builder import aligncache

    monkeypatch.setattr(aligncache, "MAX_PIECES", 2)
    monkeypatch.setenv("SCORM_BUILDER_CACHE_DIR", str(tmp_path / "cache"))
    align_words(step.media_path, [*words[:-1], "again"], "eng", anchors, chunk_seconds=8.0)
    assert len(list((tmp_path / "cache" / "align" / "pieces").glob("*.json"))) == 2


def test_the_last_media_decoded_is_not_decoded_again(dialogues: dict[tuple[str, int], Dialogue], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from scorm_builder import align

    monkeypatch.setenv("SCORM_BUILDER_CACHE_DIR", "")
    step = load_course(dialogues[CASES[1]].course).steps[0]
    assert step.media_path is not None
    media = tmp_path / step.media_path.name
    shutil.copy2(step.media_path, media)
    words = transcript_words(step.paragraphs)
    first = align_words(media, words, "eng")

    def refuse(path: Path) -> None:
        raise align.AlignError("decoded again")

    monkeypatch.setattr(align, "_ffmpeg_samples", refuse)
    assert align_words(media, words, "eng") == first              # the same file: its samples are kept
    os.utime(media, ns=(media.stat().st_atime_ns, media.stat().st_mtime_ns + 10**9))
    with pytest.raises(align.AlignError, match="decoded again"):   # changed times: decoded again
        align_words(media, words, "eng")


def test_a_language_the_aligner_has_no_voice_for_is_timed_from_the_timestamps(
        dialogues: dict[tuple[str, int], Dialogue], tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(dialogues[CASES[0]].course, course)
    (course / "course.yml").write_text((course / "course.yml").read_text().replace("language: en-GB",
                                                                                   "language: zu-ZA"))
    loaded = load_course(course)
    plan = make_plan(loaded)
    # (the page's interface language has its own warning; only the aligner's is of interest here)
    warnings = [str(w) for w in plan.warnings if "aligner" in w.message]
    assert len(warnings) == 1 and "no voice for the course language 'zu-ZA'" in warnings[0], warnings
    assert warnings[0].startswith(f"{course / 'steps' / 'talk' / 'step.yml'}:3:")
    assert list(plan.steps[0].cues) == make_cues(loaded.steps[0].paragraphs, loaded.steps[0].duration)[0]


def test_a_course_without_media_never_loads_the_aligner(dialogues: dict[tuple[str, int], Dialogue],
                                                       tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(dialogues[CASES[0]].course, course)
    step_yml = course / "steps" / "talk" / "step.yml"
    step_yml.write_text(step_yml.read_text().replace("media:\n  file: media/talk.m4a\n", ""))
    probe = ("import sys; from pathlib import Path; from scorm_builder.build import build_course; "
             f"build_course(Path({str(course)!r}), ['web'], Path({str(tmp_path / 'out')!r})); "
             "print(sorted(m for m in sys.modules if m.startswith(('aeneas', 'numpy', 'scorm_builder.align', "
             "'scorm_builder.stepalign'))))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=_env(), check=True)
    assert run.stdout.strip() == "[]"
