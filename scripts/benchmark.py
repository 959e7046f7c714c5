"""Measure build speed and memory (never asserted in tests; run by hand and quote the figures).

Usage: python scripts/benchmark.py [--seed PATH] [--repeat N]

Figures: import of the FutureLearn seed page, load/plan/render/package per target for the seed and
for the example course, caption generation for a synthetic two-hour transcript, and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scorm_builder.build import build_course
from scorm_builder.captions import caption_stats, make_cues
from scorm_builder.importers.futurelearn import import_futurelearn
from scorm_builder.transcript import Paragraph

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = ROOT.parent / "shared" / "seed" / "000_93bca87025a12bb7.txt"


def timed(label: str, repeat: int, action: Callable[[], object]) -> None:
    """Run ``action`` ``repeat`` times and print the median and best wall time."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    print(f"{label:<48} median {statistics.median(runs) * 1000:8.1f} ms   best {min(runs) * 1000:8.1f} ms")


def synthetic(paragraph_count: int) -> list[Paragraph]:
    """Paragraphs of ordinary sentences, 30 s apart (two hours for 240)."""
    sentence = "We know that kindness at handover changes how the next shift starts, and it costs little time."
    return [Paragraph(start=i * 30.0, speaker="ANN" if i % 2 else "BEN", text=" ".join([sentence] * 4),
                      line=i * 2 + 1, labelled=True) for i in range(paragraph_count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.seed.is_file():
            counter = iter(range(10**6))
            timed("import FutureLearn seed", args.repeat,
                  lambda: import_futurelearn(args.seed, work / f"seed-{next(counter)}"))
            seed_course = work / "seed-0"
            for target in ("web", "scorm12"):
                timed(f"build seed ({target})", args.repeat,
                      lambda t=target: build_course(seed_course, [t], work / "dist-seed"))  # type: ignore[misc]
        example = ROOT / "course_src" / "kind-handovers"
        for target in ("web", "scorm12"):
            timed(f"build example course ({target}, 747 KB video)", args.repeat,
                  lambda t=target: build_course(example, [t], work / "dist-example"))  # type: ignore[misc]
        paragraphs = synthetic(240)
        timed("captions for a 2-hour transcript (240 paragraphs)", args.repeat,
              lambda: make_cues(paragraphs, 240 * 30.0))
        cues, _ = make_cues(paragraphs, 240 * 30.0)
        print(f"  2-hour transcript: {caption_stats(cues)}")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak resident memory: {peak_kb / 1024:.1f} MB")


if __name__ == "__main__":
    main()
