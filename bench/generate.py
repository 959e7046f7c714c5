"""Synthetic course sources for the benchmark: deterministic, ordinary English, FutureLearn timestamps."""

from __future__ import annotations

import random
from pathlib import Path

_SUBJECTS = ["The nurse", "A good handover", "Every shift", "The team", "Our ward sister", "A patient",
             "The night staff", "Kindness", "A short pause", "The next colleague", "This habit", "Nobody"]
_VERBS = ["changes", "shapes", "protects", "supports", "starts", "costs", "remembers", "notices",
          "explains", "carries", "asks about", "hands over"]
_OBJECTS = ["how the next shift begins", "the feeling of the whole ward", "very little time",
            "the facts and the person", "what really happened overnight", "a colleague who is tired",
            "the patient in bed four", "the questions that matter", "the handover sheet",
            "a moment to check in", "the family waiting outside", "everything we learned today"]
_TAILS = ["", "", "", ", and it matters", ", which surprised me", " at the end of a long day",
          ", even when we are busy", " before anyone goes home", ", as you will see"]
_SPEAKERS = ["PRIYA", "TOM", "DR ANN LEE"]
CPS = 15.0
"""Speaking rate of the generated talk, characters a second (a typical presenter)."""


def _sentence(rng: random.Random) -> str:
    text = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}{rng.choice(_TAILS)}"
    return text + rng.choice([".", ".", ".", "?", "!"])


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    tenths = round((seconds - whole) * 10) % 10
    stamp = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"{stamp}.{tenths}" if tenths else stamp


def transcript(seconds: float | None = None, chars: int | None = None, seed: int = 1) -> str:
    """FutureLearn transcript text lasting ``seconds`` or holding about ``chars`` characters."""
    rng = random.Random(seed)
    out: list[str] = []
    at, size, speaker = 0.5, 0, ""
    while (seconds is None or at < seconds - 10) and (chars is None or size < chars):
        sentences = [_sentence(rng) for _ in range(rng.randint(2, 6))]
        text = " ".join(sentences)
        if rng.random() < 0.3 or not speaker:
            speaker = rng.choice(_SPEAKERS)
            text = f"{speaker}: {text}"
        block = f"{_clock(at)}\n{text}\n\n"
        out.append(block)
        size += len(block)
        # mostly steady talk, sometimes faster, sometimes a pause after the paragraph
        rate = CPS * rng.choice([1.0, 1.0, 1.1, 0.9, 1.25])
        pause = rng.choice([0.0, 0.0, 0.0, 1.0, 4.0])
        at = round(at + len(text) / rate + pause, 1)
    return "".join(out)


def step_source(step_dir: Path, title: str, text: str, seconds: float | None, media: str | None = None,
                align: bool = True) -> None:
    """Write one step folder: step.yml, transcript.txt, body.md (``align``: false turns the forced
    aligner off for the media, so that a measure of packaging is only that)."""
    step_dir.mkdir(parents=True, exist_ok=True)
    (step_dir / "transcript.txt").write_text(text, encoding="utf-8")
    (step_dir / "body.md").write_text(f"# {title}\n\nRead this first.\n\n- one\n- two\n",
                                      encoding="utf-8")
    lines = [f"title: {title}", "intro: Listen, then reflect.", "transcript: transcript.txt", "body: body.md"]
    if media is not None:
        lines += ["media:", f"  file: {media}"] + ([f"  duration: {seconds}"] if seconds else [])
        lines += [] if align else ["  align: false"]
    lines += ["reflection:", "  prompt: What will you change?", "completion: reflection-submitted"]
    (step_dir / "step.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def course(root: Path, course_id: str, steps: int, minutes: float = 13.0, chars: int | None = None) -> Path:
    """A course of ``steps`` steps, each with a transcript of ``minutes`` (or of ``chars`` characters)."""
    root.mkdir(parents=True, exist_ok=True)
    ids = [f"step-{n:04d}" for n in range(1, steps + 1)]
    for number, step_id in enumerate(ids, start=1):
        text = transcript(None if chars else minutes * 60, chars, seed=number)
        step_source(root / "steps" / step_id, f"Step {number}", text, None)
    listed = "\n".join(f"  - {step_id}" for step_id in ids)
    (root / "course.yml").write_text(
        f"id: {course_id}\ntitle: Benchmark course\nlanguage: en-GB\ndescription: Generated.\n"
        f"licence: CC BY 4.0\ncredits:\n  organisation: Benchmark\nsteps:\n{listed}\n", encoding="utf-8")
    return root
