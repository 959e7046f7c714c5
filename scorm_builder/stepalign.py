"""One step's captions timed from its audio: the glue between a loaded step, the aligner and the cues.

Kept apart from ``plan.py`` so that the aligner (and numpy, aeneas) is imported only when a step
is aligned. Anything that stops alignment of a whole step (a language eSpeak has no voice for,
audio ffmpeg cannot read) is a warning at the step's media line, and the step is timed from its
paragraph timestamps as without the extra: the build never fails for want of alignment.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scorm_builder import aligncache
from scorm_builder.align import AlignError, WordTiming, align_words, aligner_language
from scorm_builder.alignedcaptions import aligned_cues, transcript_words
from scorm_builder.captions import CaptionWarning, Cue, make_cues
from scorm_builder.errors import Diagnostic
from scorm_builder.loader import LoadedCourse, LoadedStep
from scorm_builder.transcript import Paragraph


def align_step(loaded: LoadedCourse, step: LoadedStep) -> tuple[tuple[list[Cue], list[CaptionWarning]],
                                                                  list[Diagnostic]]:
    """(cues, caption warnings) for ``step`` and the warnings about alignment itself."""
    assert step.media_path is not None
    language = aligner_language(loaded.course.language)
    where = step.smap.locate(("media", "file"))
    if language is None:
        problem = (f"the aligner has no voice for the course language '{loaded.course.language}', so "
                   "captions are timed from the paragraph timestamps (set 'align: false' under media to "
                   "say so and silence this)")
        return make_cues(step.paragraphs, step.duration), [Diagnostic(where, problem)]
    try:
        timings = _aligned(step.media_path, tuple(transcript_words(step.paragraphs)), language,
                           paragraph_anchors(step.paragraphs))
    except AlignError as error:
        problem = (f"captions could not be aligned to {step.media_path.name} ({error}); they are timed "
                   "from the paragraph timestamps")
        return make_cues(step.paragraphs, step.duration), [Diagnostic(where, problem)]
    return aligned_cues(step.paragraphs, step.duration, timings), []


def paragraph_anchors(paragraphs: Sequence[Paragraph]) -> tuple[tuple[int, float], ...]:
    """(index of its first word, timestamp) of each paragraph: where the aligner may cut long audio."""
    anchors, word = [], 0
    for paragraph in paragraphs:
        anchors.append((word, paragraph.start))
        word += len(transcript_words([paragraph]))
    return tuple(anchors)


_CACHE: dict[tuple[str, int, int, tuple[str, ...], str, tuple[tuple[int, float], ...]], list[WordTiming]] = {}
_CACHE_SIZE = 8


def _aligned(media: Path, words: tuple[str, ...], language: str,
             anchors: tuple[tuple[int, float], ...]) -> list[WordTiming]:
    """``align_words``, remembered for the same file (path, size, mtime), words and language.

    ``preview`` rebuilds on every save; a change to the reading or the reflection should not
    re-align minutes of audio. The result depends only on the key, so a hit changes nothing. Across
    processes (each CLI build), ``aligncache`` keeps the result on disk.
    """
    stat = media.stat()
    key = (str(media.resolve()), stat.st_size, stat.st_mtime_ns, words, language, anchors)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
        stored_as = aligncache.alignment_key(media, words, language, anchors)
        timings = aligncache.load(stored_as, len(words))
        if timings is None:
            timings = align_words(media, words, language, anchors)
            aligncache.store(stored_as, timings)
        _CACHE[key] = timings
    return _CACHE[key]
