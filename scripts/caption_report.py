"""Print caption figures for a transcript, so timing and line-break changes can be judged quickly.

Usage: python scripts/caption_report.py TRANSCRIPT [--end SECONDS] [--page] [--vtt OUT] [--cues]

Besides the ``caption_stats`` summary it prints segmentation figures: the share of cues (other
than a paragraph's last) that end at a sentence end or at clause punctuation, the cues that open
with the tail of a sentence begun in the cue before (the sentence end within the first 1-3
words), the cues that end with the head of a sentence begun in the same cue (1-3 words after its
last sentence end), and the line breaks that follow a word captions never break after; and the
paragraphs' own rates (characters over their window), naming the slow ones whose captions were
capped to a spoken span (``captions.SLOW_CPS``; their warnings say how).

``--page`` reads a saved FutureLearn step page: the transcript part runs from the first line
holding only a timestamp to the line after the last timestamp.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scorm_builder.captions import (  # noqa: E402
    LINKS,
    NO_BREAK_AFTER,
    SLOW_CPS,
    CaptionWarning,
    Cue,
    caption_stats,
    cue_cps,
    ends_clause,
    ends_sentence,
    label_tokens,
    make_cues,
    to_webvtt,
    word_key,
)
from scorm_builder.errors import SourceError  # noqa: E402
from scorm_builder.transcript import Paragraph, parse_transcript  # noqa: E402

_STAMP = re.compile(r"^\d[\d:.]*$")


def page_transcript(text: str) -> str:
    """The timestamp paragraphs of a saved step page (each timestamp line plus the line after)."""
    lines = text.splitlines()
    stamps = [i for i, line in enumerate(lines) if _STAMP.match(line.strip())]
    if not stamps:
        raise SystemExit("no timestamp lines in the page")
    return "\n".join(lines[stamps[0]: stamps[-1] + 2]) + "\n"


@dataclass(frozen=True)
class Segmentation:
    """How well cue boundaries follow the sentences (figures for before/after comparisons)."""

    inner_cues: int           # cues that are not the last of their paragraph
    sentence_ends: int        # ... of which end at a sentence end
    clause_ends: int          # ... or at clause punctuation
    link_ends: int            # ... or before a conjunction or preposition
    tails: int                # cues opening with a 1-3 word tail of the previous cue's sentence
    heads: int                # cues ending with the first 1-3 words of a new sentence
    bad_line_breaks: int      # line 1 ends with an article, preposition, conjunction ...

    def summary(self) -> str:
        share = (self.sentence_ends + self.clause_ends) / self.inner_cues if self.inner_cues else 1.0
        return (f"{share:.0%} of {self.inner_cues} inner cues end at punctuation "
                f"({self.sentence_ends} sentence, {self.clause_ends} clause; "
                f"{self.link_ends} more before a conjunction or preposition), "
                f"{self.tails} start with a <= 3-word sentence tail, "
                f"{self.heads} end with a <= 3-word sentence head, "
                f"{self.bad_line_breaks} line breaks after a no-break word")


def cue_words(cue: Cue) -> list[str]:
    """The cue's words without its visible label."""
    words = " ".join(cue.lines).split()
    if cue.show_label and cue.speaker is not None:
        words = words[len(label_tokens(cue.speaker)):]
    return words


def segmentation(cues: Sequence[Cue]) -> Segmentation:
    """Count cue endings, sentence tails and heads, and line breaks after no-break words."""
    inner = sentence = clause = link = tails = heads = bad = 0
    for number, cue in enumerate(cues):
        words = cue_words(cue)
        for line in cue.lines[:-1]:
            bad += word_key(line.split()[-1]) in NO_BREAK_AFTER
        if not words:
            continue
        follows = number + 1 < len(cues) and cues[number + 1].paragraph == cue.paragraph
        if follows:
            inner += 1
            if ends_sentence(words[-1]):
                sentence += 1
            elif ends_clause(words[-1]):
                clause += 1
            else:
                link += word_key(cue_words(cues[number + 1])[0]) in LINKS
                ends = [i for i, word in enumerate(words[:-1]) if ends_sentence(word)]
                heads += bool(ends) and len(words) - 1 - ends[-1] <= 3
        continues = number > 0 and cues[number - 1].paragraph == cue.paragraph
        if continues:
            before = cue_words(cues[number - 1])
            if before and not ends_sentence(before[-1]):
                tails += any(ends_sentence(word) for word in words[:3])
    return Segmentation(inner, sentence, clause, link, tails, heads, bad)


def paragraph_rates(paragraphs: Sequence[Paragraph], end: float | None,
                    warnings: Sequence[CaptionWarning]) -> str:
    """Lowest, median and highest paragraph rate, and the paragraphs capped as slow.

    A paragraph's window runs to the next timestamp; the last one's to ``end`` (left out without).
    """
    stops = [p.start for p in paragraphs[1:]] + ([end] if end is not None else [])
    rates = sorted(len(p.text) / (stop - p.start) for p, stop in zip(paragraphs, stops, strict=False)
                   if stop > p.start)
    capped = sorted({w.line for w in warnings if "is slow" in w.message})
    under = sum(rate < SLOW_CPS for rate in rates)
    if not rates:
        return "paragraph rates: no window to measure"
    return (f"paragraph rates {rates[0]:.1f}-{rates[-1]:.1f} cps (median {rates[len(rates) // 2]:.1f}), "
            f"{under} under {SLOW_CPS:g} cps, {len(capped)} capped as slow"
            + (f" (lines {', '.join(map(str, capped))})" if capped else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transcript", type=Path)
    parser.add_argument("--end", type=float, default=None, help="media duration in seconds")
    parser.add_argument("--page", action="store_true", help="input is a saved FutureLearn page")
    parser.add_argument("--vtt", type=Path, default=None, help="write the WebVTT here")
    parser.add_argument("--cues", action="store_true", help="list every cue with its rate")
    args = parser.parse_args(argv)
    text = args.transcript.read_text(encoding="utf-8")
    path = args.transcript
    if args.page:
        text, path = page_transcript(text), path.with_suffix(".txt")
    try:
        paragraphs = parse_transcript(text, path)
    except SourceError as error:
        print(error, file=sys.stderr)
        return 1
    began = time.perf_counter()
    cues, warnings = make_cues(paragraphs, args.end)
    vtt = to_webvtt(cues, "en")
    elapsed = time.perf_counter() - began
    speakers = sorted({p.speaker for p in paragraphs if p.speaker})
    print(f"{len(paragraphs)} paragraphs, speakers {', '.join(speakers) or '-'}, "
          f"{paragraphs[0].start:g} s to {paragraphs[-1].start:g} s")
    print(caption_stats(cues).summary())
    print(segmentation(cues).summary())
    print(paragraph_rates(paragraphs, args.end, warnings))
    print(f"generated in {elapsed * 1000:.0f} ms")
    for warning in warnings:
        print(f"{path}:{warning.line}: warning: {warning.message}")
    if args.cues:
        for cue in cues:
            print(f"{cue.start:9.3f} {cue.end:9.3f} {cue_cps(cue):5.1f} | " + " / ".join(cue.lines))
    if args.vtt:
        args.vtt.write_text(vtt, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
