"""Captions of many transcripts (or one very long one) cut on every core, in a deterministic order.

Paragraphs are independent once ``captions.cue_timing`` has fixed the end (``captions.cue_range``),
so the work is split into ranges of paragraphs of about equal length, cut by a pool of worker
processes, and joined in order: the cues are exactly those ``make_cues`` gives on one process.
A pool costs a few tens of milliseconds to start, so it is used only when there are at least
``PARALLEL_MIN_CHARS`` characters of transcript (``SCORM_BUILDER_PARALLEL_MIN_CHARS`` overrides it)
and more than one core; ``SCORM_BUILDER_JOBS`` sets the number of processes (1: never a pool).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence

from scorm_builder import native
from scorm_builder.captions import CaptionWarning, Cue, cue_range, cue_timing
from scorm_builder.transcript import Paragraph

CueJob = tuple[Sequence[Paragraph], float | None]
"""One transcript's paragraphs and its media duration (None: estimated), as ``make_cues`` takes them."""
Made = tuple[list[Cue], list[CaptionWarning]]

PARALLEL_MIN_CHARS = 300_000 if native.IS_COMPILED else 150_000
"""Below this many characters of transcript, one process is faster: the pool's start and pickling cost
about 40 ms, which the compiled search (``native``) earns back from about 300,000 characters (some
4 hours of talk), the Python one from about 150,000 (bench section 3 with SCORM_BUILDER_JOBS=1)."""
_CHUNKS_PER_WORKER = 4            # ranges a worker gets, so that uneven ranges still even out
_MIN_CHUNK_CHARS = 20_000


def workers() -> int:
    """Processes to use: ``SCORM_BUILDER_JOBS`` if set, else the cores this process may run on."""
    raw = os.environ.get("SCORM_BUILDER_JOBS", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:                       # not on Linux
        return os.cpu_count() or 1


def make_cues_each(jobs: Sequence[CueJob]) -> Iterator[Made]:
    """``make_cues`` of each job, in order; lazily, so a caller can report each as it is ready."""
    minimum = os.environ.get("SCORM_BUILDER_PARALLEL_MIN_CHARS", "").strip()
    threshold = int(minimum) if minimum.isdigit() else PARALLEL_MIN_CHARS
    timing = [cue_timing(paragraphs, end) if paragraphs else (0, False, []) for paragraphs, end in jobs]
    sizes = [sum(len(p.text) for p in paragraphs) for paragraphs, _ in jobs]
    total = sum(sizes)
    count = workers()
    if count < 2 or total < threshold:
        for (paragraphs, _), (end_ms, end_known, warnings) in zip(jobs, timing, strict=True):
            made, more = cue_range(paragraphs, 0, 0, len(paragraphs), len(paragraphs), end_ms, end_known)
            yield made, warnings + more
        return
    chunk = max(_MIN_CHUNK_CHARS, total // (count * _CHUNKS_PER_WORKER))
    ranges = [(job, lo, hi) for job, (paragraphs, _) in enumerate(jobs) for lo, hi in _split(paragraphs, chunk)]
    tasks = [_task(jobs[job][0], lo, hi, timing[job][0], timing[job][1]) for job, lo, hi in ranges]
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    # fork shares the parent's imported modules (cheap); elsewhere a fresh interpreter is started
    context = get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        results = pool.map(_cut, tasks)
        position = 0
        for job in range(len(jobs)):
            cues: list[Cue] = []
            warnings = list(timing[job][2])
            while position < len(ranges) and ranges[position][0] == job:
                part, more = next(results)
                cues += [Cue(*fields) for fields in part]
                warnings += more
                position += 1
            yield cues, warnings


_Task = tuple[tuple[Paragraph, ...], int, int, int, int, int, bool]


def _split(paragraphs: Sequence[Paragraph], chunk: int) -> Iterator[tuple[int, int]]:
    """Ranges [lo, hi) of whole paragraphs holding about ``chunk`` characters each."""
    lo, size = 0, 0
    for index, paragraph in enumerate(paragraphs):
        size += len(paragraph.text)
        if size >= chunk:
            yield lo, index + 1
            lo, size = index + 1, 0
    if lo < len(paragraphs):
        yield lo, len(paragraphs)


def _task(paragraphs: Sequence[Paragraph], lo: int, hi: int, end_ms: int, end_known: bool) -> _Task:
    """What a worker needs for one range: its paragraphs and the neighbour on each side."""
    base = max(lo - 1, 0)
    return tuple(paragraphs[base:hi + 1]), base, lo, hi, len(paragraphs), end_ms, end_known


_CueFields = tuple[float, float, str | None, tuple[str, ...], int, bool]


def _cut(task: _Task) -> tuple[list[_CueFields], list[CaptionWarning]]:
    """One range's cues as plain tuples: they cross the pipe in half the time of the objects."""
    near, base, lo, hi, count, end_ms, end_known = task
    cues, warnings = cue_range(near, base, lo, hi, count, end_ms, end_known)
    return [(c.start, c.end, c.speaker, c.lines, c.paragraph, c.show_label) for c in cues], warnings
