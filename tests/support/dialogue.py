"""Spoken test dialogues whose truth is known: every sentence's onset and end, to the sample.

Each sentence is spoken on its own by espeak-ng, trimmed to its sound, and laid on one timeline
with a pause of a chosen length (0.3-2.5 s) before the next; the timeline is encoded as AAC in an
.m4a the builder reads. The course written next to it gives the builder only what a FutureLearn
transcript gives: one timestamp (to 0.1 s) per paragraph of several sentences.
"""

from __future__ import annotations

import array
import random
import subprocess
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

SILENCE_LEVEL = 400            # |sample| at or below this is silence (16-bit), as scripts/make_example_media.py

SENTENCES = (
    "Hello Ben, today we are talking about shift handovers.",
    "What makes one kind as well as safe?",
    "When I started on the ward, handover was a quick list of beds.",
    "Nobody asked how the shift had gone.",
    "I remember going home after a patient died.",
    "No one noticed, and I carried it all night.",
    "That is exactly why we need to slow down.",
    "A kind handover takes two more minutes.",
    "It names what went well and what was hard.",
    "Then it asks the next nurse what they need.",
    "Could we try that on Monday?",
    "Yes, let us start with the night team.",
)
# sentences per paragraph, and the speaker of each paragraph (turns alternate)
PARAGRAPHS = (3, 3, 2, 3, 1)
SPEAKERS = ("ANN", "BEN", "ANN", "BEN", "ANN")
LEAD_IN = 0.4


@dataclass(frozen=True)
class Dialogue:
    """A course folder with one step of spoken media, and the truth about the speech in it."""

    course: Path
    step: Path
    sentences: tuple[str, ...]
    onsets: tuple[float, ...]          # seconds, where each sentence's sound begins
    ends: tuple[float, ...]            # seconds, where it ends
    paragraphs: tuple[tuple[int, ...], ...]   # sentence indices of each paragraph
    duration: float

    @property
    def transcript(self) -> Path:
        return self.step / "transcript.txt"


def _speak(text: str, voice: str, rate: int, wav: Path) -> tuple[array.array[int], int]:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(wav), text],
                   check=True, capture_output=True)
    with wave.open(str(wav), "rb") as audio:
        sample_rate = audio.getframerate()
        samples = array.array("h", audio.readframes(audio.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    loud = [i for i, s in enumerate(samples) if abs(s) > SILENCE_LEVEL]
    return samples[loud[0]:loud[-1] + 1], sample_rate


def make_dialogue(folder: Path, voice: str, rate: int, seed: int) -> Dialogue:
    """Speak ``SENTENCES`` with ``voice`` at ``rate`` words a minute into a course under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    pauses = random.Random(seed)
    timeline: array.array[int] = array.array("h")
    onsets: list[float] = []
    ends: list[float] = []
    sample_rate = 22050
    for number, sentence in enumerate(SENTENCES):
        samples, sample_rate = _speak(sentence, voice, rate, folder / f"s{number}.wav")
        if number == 0:
            timeline.extend(array.array("h", bytes(2 * round(LEAD_IN * sample_rate))))
        else:
            timeline.extend(array.array("h", bytes(2 * round(pauses.uniform(0.3, 2.5) * sample_rate))))
        onsets.append(len(timeline) / sample_rate)
        timeline.extend(samples)
        ends.append(len(timeline) / sample_rate)
        (folder / f"s{number}.wav").unlink()
    timeline.extend(array.array("h", bytes(2 * round(0.6 * sample_rate))))
    if sys.byteorder == "big":
        timeline.byteswap()
    wav = folder / "dialogue.wav"
    with wave.open(str(wav), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(sample_rate)
        audio.writeframes(timeline.tobytes())
    course = folder / "course"
    step = course / "steps" / "talk"
    (step / "media").mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav),
                    "-c:a", "aac", "-b:a", "48k", "-ac", "1", "-ar", "22050", "-map_metadata", "-1",
                    "-fflags", "+bitexact", "-flags:a", "+bitexact", str(step / "media" / "talk.m4a")],
                   check=True, capture_output=True)
    wav.unlink()
    groups: list[tuple[int, ...]] = []
    first = 0
    for size in PARAGRAPHS:
        groups.append(tuple(range(first, first + size)))
        first += size
    lines: list[str] = []
    previous = None
    for group, speaker in zip(groups, SPEAKERS, strict=True):
        label = f"{speaker}: " if speaker != previous else ""
        lines += [f"{onsets[group[0]]:.1f}", label + " ".join(SENTENCES[i] for i in group), ""]
        previous = speaker
    (step / "transcript.txt").write_text("\n".join(lines), encoding="utf-8")
    (step / "step.yml").write_text(
        "title: A talk about handovers\nmedia:\n  file: media/talk.m4a\ntranscript: transcript.txt\n"
        "completion: viewed\n", encoding="utf-8")
    (course / "course.yml").write_text(
        "id: talk\ntitle: Talk\nlanguage: en-GB\ndescription: A spoken test dialogue.\nlicence: CC BY 4.0\n"
        "credits:\n  organisation: Tests\nsteps:\n  - talk\n", encoding="utf-8")
    return Dialogue(course, step, SENTENCES, tuple(onsets), tuple(ends), tuple(groups),
                    len(timeline) / sample_rate)
