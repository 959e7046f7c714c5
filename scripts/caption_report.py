"""Print caption figures for a transcript, so timing and line-break changes can be judged quickly.

Usage: python scripts/caption_report.py TRANSCRIPT [--end SECONDS] [--page] [--vtt OUT] [--cues]

``--page`` reads a saved FutureLearn step page: the transcript part runs from the first line
holding only a timestamp to the line after the last timestamp.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scorm_builder.captions import caption_stats, cue_cps, make_cues, to_webvtt  # noqa: E402
from scorm_builder.errors import SourceError  # noqa: E402
from scorm_builder.transcript import parse_transcript  # noqa: E402

_STAMP = re.compile(r"^\d[\d:.]*$")


def page_transcript(text: str) -> str:
    """The timestamp paragraphs of a saved step page (each timestamp line plus the line after)."""
    lines = text.splitlines()
    stamps = [i for i, line in enumerate(lines) if _STAMP.match(line.strip())]
    if not stamps:
        raise SystemExit("no timestamp lines in the page")
    return "\n".join(lines[stamps[0]: stamps[-1] + 2]) + "\n"


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
