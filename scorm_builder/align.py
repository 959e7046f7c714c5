"""Forced alignment of transcript words to a step's audio, kept behind one narrow interface.

Proportional timing (``captions.py``) only knows paragraph timestamps; the audio knows when each
word is spoken. The aligner is ``aeneas`` (PyPI ``aeneas-ng``, the optional extra ``align``):
it speaks the text with eSpeak and matches the two sounds (MFCC + DTW), offline, with no model
to download. Everything that touches aeneas, numpy or ffmpeg is here and imported only when a
step with media is aligned, so builds without media (or without the extra) pay nothing.

``align_words`` turns (media file, words in order, language, paragraph anchors) into one
``WordTiming`` per word, in whole milliseconds (so the same input gives the same captions, byte
for byte). Silences are found here too: audio longer than ``CHUNK_SECONDS`` is cut in them next
to paragraph timestamps and the pieces aligned apart, and word edges that aeneas leaves inside a
silence are moved to its edges; ``confidence`` says how plausible each word's timing is.

Speed (a few seconds per hour of audio): ffmpeg decodes the media once, to 16 kHz samples kept in
memory; each piece is aligned in a fresh forked process (eSpeak through aeneas's C extension hangs
on its second use in a process), on every core, where eSpeak speaks the piece's words in one call
and in order (its sound of a word depends on the words before), cut to their sound; aeneas
(pinned: ``aeneas-ng==1.7.4.0``) is handed both sounds as arrays, so it starts no ffmpeg, ffprobe
or Python process of its own, and its sound matching (DTW) looks ``_DTW_MARGIN`` seconds either
side of the diagonal, not a minute. ``bench/align_bench.py`` measures it.
"""

from __future__ import annotations

import datetime
import math
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

INSTALL_HINT = ('captions are timed from the transcript\'s paragraph timestamps only; for captions that '
                'follow the speech, install the aligner: pip install "scorm-builder[align]" (needs espeak-ng '
                'and ffmpeg; see the README, "Captions that follow the speech")')

SAMPLE_RATE = 16_000
CHUNK_SECONDS = 60.0           # longer audio is aligned in pieces of about this length (see align_words)
_CUT_REACH = 1.5               # seconds from an anchor a silence may be to cut there
_FRAME = 0.010                 # seconds per energy frame of the silence finder
_SILENCE_MIN = 0.2             # a silence shorter than this is a stop consonant, not a pause
_SILENCE_ABOVE_FLOOR = 0.699   # log10 energy over the quietest frames that counts as speech (as aeneas)
_PLAUSIBLE_CPS = (2.5, 40.0)   # a word's characters a second outside this is doubtful
_PHRASE_END = re.compile(r"[.,;:!?\u2026\u2014][\"'\u2019\u201d)\]]*$")

# aeneas names languages by ISO 639-3; the course's BCP 47 tag gives ISO 639-1 or -3
_ISO639_3 = {
    "af": "afr", "bg": "bul", "ca": "cat", "cs": "ces", "cy": "cym", "da": "dan", "de": "deu",
    "el": "ell", "en": "eng", "es": "spa", "et": "est", "eu": "eus", "fi": "fin", "fr": "fra",
    "ga": "gle", "hr": "hrv", "hu": "hun", "is": "isl", "it": "ita", "lt": "lit", "lv": "lav",
    "nb": "nor", "nl": "nld", "no": "nor", "pl": "pol", "pt": "por", "ro": "ron", "ru": "rus",
    "sk": "slk", "sl": "slv", "sr": "srp", "sv": "swe", "tr": "tur", "uk": "ukr",
}


# Silent frames are left out of the sound matching (a pause matches nothing in the synthetic
# speech and otherwise drags word edges into it). The pauses gone, the synthetic and the real
# speech run close to the diagonal, so DTW needs only a narrow band around it.
_DTW_MARGIN = 10.0
_RCONF = f"mfcc_mask_nonspeech=True|dtw_margin={_DTW_MARGIN:.3f}"
_SYNTH = "<synthetic speech>"     # the name aeneas is given for the synthetic sound (never a file)
_SYNTH_SILENCE = 400              # |sample| at or below this is silence in eSpeak's words (16-bit)
_SYNTH_EDGE = 0.1                 # seconds of eSpeak's silence kept either side of a word


class AlignError(Exception):
    """The aligner could not time this media (bad audio, a tool missing); the caller falls back."""


@dataclass(frozen=True)
class WordTiming:
    """When one word is spoken: seconds (whole milliseconds) and a 0..1 confidence."""

    start: float
    end: float
    confidence: float


def aligner_available() -> bool:
    """True when the ``align`` extra (aeneas) is installed; a blocked or missing module means no.

    Only found, not imported (aeneas pulls in numpy, about 120 ms): a step whose timings are
    already on disk (``aligncache``) never needs it, and ``align_words`` reports an install that
    is found but cannot load as an ``AlignError``.
    """
    from importlib.util import find_spec

    try:
        return find_spec("aeneas.executetask") is not None
    except (ImportError, ValueError):
        return False


def aligner_language(tag: str) -> str | None:
    """aeneas's code for a BCP 47 tag (``en-GB`` -> ``eng``), or None when it has no voice for it."""
    primary = tag.split("-", 1)[0].lower()
    code = _ISO639_3.get(primary, primary if len(primary) == 3 else "")
    from aeneas.language import Language

    return code if code in Language.ALLOWED_VALUES else None


def align_words(media: Path, words: Sequence[str], language: str, anchors: Sequence[tuple[int, float]] = (),
                chunk_seconds: float = CHUNK_SECONDS) -> list[WordTiming]:
    """One timing per word of ``words`` (spoken in this order in ``media``); raises AlignError.

    ``language`` is an aeneas code (``aligner_language``). ``anchors`` are (index of a word,
    seconds) where a word is known to start about then (paragraph timestamps): audio longer than
    ``chunk_seconds`` is cut at silences next to anchors into pieces of about that length, which
    are aligned apart (on every core), so that time grows no faster than the audio.
    """
    if not words:
        return []
    if shutil.which("ffmpeg") is None:
        raise AlignError("ffmpeg is not installed (the aligner reads the audio with it)")
    try:
        import aeneas.executetask  # noqa: F401  (imported before the worker processes fork, not in each)
    except ImportError as error:
        raise AlignError(f"the aligner is installed but cannot be loaded: {error}") from error

    samples = _decode(media)
    speech = _speech_frames_of(samples)
    silences = _silences(speech)
    cuts = _cuts(anchors, silences, len(speech) * round(_FRAME * 1000), len(words), chunk_seconds)
    with tempfile.TemporaryDirectory(prefix="sb-align-") as folder:
        spans = _aeneas_pieces(samples, words, language, cuts, Path(folder))
    spans = _snap_to_silences(spans, silences, words)
    timings = []
    for word, (start, end) in zip(words, spans, strict=True):
        start, end = _trim_to_speech(start, end, speech, _PHRASE_END.search(word) is not None)
        timings.append(WordTiming(start / 1000, end / 1000, _confidence(word, start, end, speech)))
    return timings


def _cuts(anchors: Sequence[tuple[int, float]], silences: Sequence[tuple[int, int]], length_ms: int,
          count: int, chunk_seconds: float) -> list[tuple[int, int]]:
    """(first word, audio start in ms) of each piece; the first is (0, 0).

    A piece ends at an anchor at least ``chunk_seconds`` after its start, in the middle of a
    silence within ``_CUT_REACH`` of the anchor's time (a cut never falls inside speech), and
    leaves at least ``chunk_seconds / 2`` of audio for the rest.
    """
    pieces = [(0, 0)]
    step = round(chunk_seconds * 1000)
    reach = round(_CUT_REACH * 1000)
    for word, seconds in anchors:
        at = round(seconds * 1000)
        if not pieces[-1][0] < word < count or at - pieces[-1][1] < step or length_ms - at < step // 2:
            continue
        near = [(abs((low + high) // 2 - at), (low + high) // 2) for low, high in silences
                if low - reach <= at <= high + reach]
        if near:
            pieces.append((word, min(near)[1]))
    return pieces


Piece = tuple[bytes | tuple[int, int], tuple[str, ...], str, str, int, str]
"""A piece of audio to align: its 16-bit samples (or their range in ``_FORKED``), words, language,
eSpeak's voice, start (ms), a scratch file."""

last_run: dict[str, int] = {}
"""Pieces of the last ``align_words`` call, and how many of them were aligned (the rest: from the cache)."""

_FORKED: dict[str, Any] = {}
"""The whole audio, for forked workers to read their piece from without a copy through a pipe."""


def _aeneas_pieces(samples: Any, words: Sequence[str], language: str, cuts: Sequence[tuple[int, int]],
                   folder: Path) -> list[tuple[int, int]]:
    """``_aeneas`` over each piece of audio between cuts, each in a fresh process, on every core.

    A fresh process for each piece, even if there is only one: aeneas's eSpeak extension hangs on
    its second use in a process. Forked, it starts in milliseconds with aeneas already imported.
    """
    from aeneas.ttswrappers.espeakttswrapper import ESPEAKTTSWrapper

    from scorm_builder.cuepool import workers

    code = ESPEAKTTSWrapper.LANGUAGE_TO_VOICE_CODE.get(language)
    if code is None:
        raise AlignError(f"eSpeak has no voice for the language {language!r}")
    from scorm_builder import aligncache

    bounds = [*cuts, (len(words), len(samples) * 1000 // SAMPLE_RATE)]
    context = _context()
    forked = context.get_start_method() == "fork"
    jobs: list[Piece] = []
    keys: list[str] = []
    found: dict[int, list[tuple[int, int]]] = {}       # piece number -> spans (from the piece's start)
    for number, ((first, start), (last, end)) in enumerate(pairwise(bounds)):
        span = (start * SAMPLE_RATE // 1000, end * SAMPLE_RATE // 1000)
        own = samples[span[0]:span[1]].tobytes()
        piece_words = tuple(words[first:last])
        keys.append(aligncache.piece_key(own, piece_words, language, code))
        stored = aligncache.load_piece(keys[-1], len(piece_words))
        if stored is not None:
            found[number] = stored
            continue
        jobs.append((span if forked else own, piece_words, language, code, start, str(folder / f"voice{number}.wav")))
    last_run.update(pieces=len(keys), aligned=len(jobs))
    results: list[list[tuple[int, int]] | str] = []
    if jobs:
        _FORKED["samples"] = samples
        try:
            with context.Pool(min(workers(), len(jobs)), maxtasksperchild=1) as pool:
                results = pool.map(_aeneas_piece, jobs, chunksize=1)
        finally:
            _FORKED.clear()
    fresh = iter(results)
    spans = []
    aligned: list[tuple[str, list[tuple[int, int]]]] = []
    for number, ((_, start), _) in enumerate(pairwise(bounds)):
        if number in found:
            spans += [(begin + start, end + start) for begin, end in found[number]]
            continue
        result = next(fresh)
        if isinstance(result, str):
            raise AlignError(result)
        aligned.append((keys[number], [(begin - start, end - start) for begin, end in result]))
        spans += result
    aligncache.store_pieces(aligned)
    return spans


def _context() -> Any:
    """Fork where it is safe (Linux: the workers start at once, with aeneas imported), else spawn."""
    from multiprocessing import get_context

    return get_context("fork" if sys.platform == "linux" else "spawn")


def _aeneas_piece(job: Piece) -> list[tuple[int, int]] | str:
    """One piece's spans, moved by the piece's start, or what went wrong (runs in a fresh process)."""
    import numpy as np

    piece, words, language, code, offset, scratch = job
    parts = _spoken(words, code, scratch)
    if isinstance(parts, str):
        return f"eSpeak could not speak the text: {parts}"
    own = _FORKED["samples"][piece[0]:piece[1]] if isinstance(piece, tuple) else np.frombuffer(piece, dtype="<i2")
    real = own / np.float64(32768)
    starts = list(accumulate((len(part) // 2 for part in parts), initial=0))
    synthetic = np.frombuffer(b"".join(parts), dtype="<i2") / np.float64(32768)
    try:
        spans = _aeneas(real, synthetic, starts[:-1], words, language)
    except AlignError as error:
        return str(error)
    return [(start + offset, end + offset) for start, end in spans]


_DECODED: dict[tuple[str, int, int, int], Any] = {}
"""The last media decoded in this process (``scorm-builder preview`` aligns again after a transcript edit)."""
_DECODED_KEEP = 128 << 20
"""Sound kept for the next call only up to this many bytes: an hour at 16 kHz is about 115 MB."""


def _decode(media: Path) -> Any:
    """The media's sound as 16 kHz mono 16-bit samples (a numpy array), decoded once by ffmpeg.

    The samples of the last file decoded are kept for the next call while its path, size and times
    are the same: a transcript edit in ``preview`` aligns again, and decoding the example's two
    minutes cost 110-160 ms of that rebuild.
    """
    stat = media.stat()
    key = (str(media.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    if key not in _DECODED:
        samples = _ffmpeg_samples(media)
        _DECODED.clear()
        if samples.nbytes <= _DECODED_KEEP:
            _DECODED[key] = samples
        return samples
    return _DECODED[key]


def _ffmpeg_samples(media: Path) -> Any:
    import numpy as np

    command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(media),
               "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-acodec", "pcm_s16le", "-f", "s16le", "-"]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0 or not done.stdout:
        error = done.stderr.decode("utf-8", "replace").strip()[-300:] or "no sound in it"
        raise AlignError(f"ffmpeg could not read the sound of {media.name}: {error}")
    return np.frombuffer(done.stdout[: len(done.stdout) // 2 * 2], dtype="<i2")


def _to_wav(media: Path, wav: Path) -> None:
    """The media's sound as a 16 kHz mono 16-bit WAV file (what ``_speech_frames`` reads)."""
    samples = _decode(media)
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(samples.tobytes())


def _spoken(words: Sequence[str], code: str, scratch: str) -> list[bytes] | str:
    """The words spoken by aeneas's eSpeak extension, each as 16 kHz samples, or what went wrong.

    One call, in order, as aeneas itself would speak them (eSpeak's sound of a word depends on the
    words before it). eSpeak pads each word as if it were a whole utterance, which would make the
    synthetic speech about twice as long as the real one (twice the MFCCs to compute and a longer
    path to match): each word keeps ``_SYNTH_EDGE`` of that silence either side.
    """
    import numpy as np

    try:
        import aeneas.cew.cew

        rate, count, intervals = aeneas.cew.cew.synthesize_multiple(scratch, 0.0, 0, [(code, word) for word in words])
        with wave.open(scratch, "rb") as audio:
            spoken = np.frombuffer(audio.readframes(audio.getnframes()), dtype="<i2")
    except Exception as error:  # the extension raises plain exceptions
        return str(error)
    if count != len(words):
        return f"{count} sounds for {len(words)} words"
    edge = round(_SYNTH_EDGE * rate)
    sounds = []
    for start, end in intervals:
        sound = spoken[round(float(start) * rate):round(float(end) * rate)]
        loud = np.flatnonzero(np.abs(sound.astype(np.int32)) > _SYNTH_SILENCE)
        if len(loud):
            sound = sound[max(0, int(loud[0]) - edge):int(loud[-1]) + 1 + edge]
        sounds.append(_resampled(sound, rate).tobytes())
    return sounds


def _resampled(sound: Any, rate: int) -> Any:
    """16-bit samples at ``rate`` as 16-bit samples at ``SAMPLE_RATE`` (linear interpolation).

    Cheaper than ffmpeg (a process) or an FFT resampler; the test dialogues' timings came out the
    same as with ffmpeg's resampler.
    """
    import numpy as np

    length = len(sound) * SAMPLE_RATE // rate
    at = np.arange(length, dtype=np.float64) * (rate / SAMPLE_RATE)
    return np.rint(np.interp(at, np.arange(len(sound)), sound.astype(np.float64))).astype("<i2")


def _aeneas(real: Any, synthetic: Any, starts: Sequence[int], words: Sequence[str],
            language: str) -> list[tuple[int, int]]:
    """(start, end) in ms of each word: one aeneas task, one fragment per word, sounds as float arrays.

    ``synthetic`` is the words spoken by eSpeak one after another, word ``i`` from sample ``starts[i]``.
    """
    from aeneas.audiofile import AudioFile
    from aeneas.exacttiming import TimeValue
    from aeneas.executetask import ExecuteTask
    from aeneas.runtimeconfiguration import RuntimeConfiguration
    from aeneas.task import Task
    from aeneas.textfile import TextFile, TextFragment
    from aeneas.tree import Tree

    rconf = RuntimeConfiguration(_RCONF)
    logger = _quiet_logger()
    task = Task(config_string=f"task_language={language}|is_text_type=plain|os_task_file_format=json"
                              "|task_adjust_boundary_nonspeech_min=0.5"
                              "|task_adjust_boundary_nonspeech_string=REMOVE", logger=logger)
    text = TextFile(rconf=rconf, logger=logger)
    for number, word in enumerate(words):       # as ``add_fragment``, without a new configuration a word
        fragment = TextFragment(identifier=f"w{number}", language=language, lines=[word], filtered_lines=[word])
        text.fragments_tree.add_child(Tree(value=fragment, rconf=rconf, logger=logger))
    task.text_file = text

    def audio(samples: Any) -> Any:
        made = AudioFile(rconf=rconf, logger=logger)
        made.audio_format, made.audio_channels, made.audio_sample_rate = "pcm16", 1, SAMPLE_RATE
        # the samples as they are: ``add_samples`` would copy them into a buffer twice their size
        made._AudioFile__samples = samples
        made._AudioFile__samples_capacity = made._AudioFile__samples_length = len(samples)
        made._update_length()
        return made

    task.audio_file = audio(real)
    voice = audio(synthetic)
    anchors = [[TimeValue(f"{start / SAMPLE_RATE:.6f}"), f"w{number}", word]
               for number, (start, word) in enumerate(zip(starts, words, strict=True))]

    class _FromArrays(ExecuteTask):  # type: ignore[misc]  # aeneas has no type hints
        """aeneas's task runner given both sounds, so that it converts and synthesises nothing itself."""

        def _extract_mfcc(self, file_path: Any = None, file_format: Any = None, audio_file: Any = None) -> Any:
            return super()._extract_mfcc(audio_file=voice if file_path == _SYNTH else task.audio_file)

        def _synthesize(self, text_file: Any) -> tuple[None, str, list[list[Any]], tuple[str, int, int]]:
            return None, _SYNTH, anchors, ("pcm_s16le", 1, SAMPLE_RATE)

    try:
        _FromArrays(task, rconf=rconf, logger=logger).execute()
        leaves: list[Any] = task.sync_map_leaves()
    except Exception as error:  # aeneas raises plain exceptions of its own for any failure
        raise AlignError(f"the aligner failed: {error}") from None
    spans = [(_ms(leaf.begin), _ms(leaf.end)) for leaf in leaves
             if leaf.text_fragment is not None and str(leaf.text_fragment.identifier).startswith("w")]
    if len(spans) != len(words):
        raise AlignError(f"the aligner returned {len(spans)} timings for {len(words)} words")
    return spans


def _quiet_logger() -> Any:
    """An aeneas logger that keeps nothing: aeneas logs a dozen lines a word, which costs a tenth of its time."""
    from aeneas.logger import Logger

    class _Quiet(Logger):  # type: ignore[misc]  # aeneas has no type hints
        def log(self, message: Any, severity: Any = None, tag: Any = "") -> datetime.datetime:
            return _NO_TIME

    return _Quiet()


_NO_TIME = datetime.datetime(2000, 1, 1)


def _ms(value: Any) -> int:
    """aeneas times (Decimal TimeValue) as whole milliseconds, rounded half up, so runs agree."""
    return math.floor(float(value) * 1000 + 0.5)


def _speech_frames(wav: Path) -> list[bool]:
    """``_speech_frames_of`` the samples of a 16 kHz mono 16-bit WAV file."""
    import numpy as np

    with wave.open(str(wav), "rb") as audio:
        return _speech_frames_of(np.frombuffer(audio.readframes(audio.getnframes()), dtype="<i2"))


def _speech_frames_of(samples: Any) -> list[bool]:
    """Per 10 ms frame, whether it holds sound: silences shorter than 0.2 s count as sound."""
    import numpy as np

    size = round(_FRAME * SAMPLE_RATE)
    parts = []
    block = 6000 * size                          # a minute at a time: an hour of float samples is 460 MB
    for at in range(0, len(samples) // size * size, block):
        frames_of = samples[at:min(at + block, len(samples) // size * size)]
        values = frames_of.astype(np.float64).reshape(-1, size)
        parts.append(np.log10(np.mean(values ** 2, axis=1) + 1.0))
    if not parts:
        return []
    energy = np.concatenate(parts)
    count = len(energy)
    floor = float(np.percentile(energy, 1))
    loud = (energy >= floor + _SILENCE_ABOVE_FLOOR).tolist()
    shortest = round(_SILENCE_MIN / _FRAME)
    frames: list[bool] = list(loud)
    run = 0
    for index in range(count + 1):
        if index < count and not loud[index]:
            run += 1
            continue
        if 0 < run < shortest:
            frames[index - run:index] = [True] * run
        run = 0
    return frames


def _silences(speech: Sequence[bool]) -> list[tuple[int, int]]:
    """(start, end) in milliseconds of every silence (0.2 s or longer, by ``_speech_frames``)."""
    step = round(_FRAME * 1000)
    found: list[tuple[int, int]] = []
    begin = None
    for index, sound in enumerate([*speech, True]):
        if not sound and begin is None:
            begin = index
        elif sound and begin is not None:
            found.append((begin * step, index * step))
            begin = None
    return found


def _snap_to_silences(spans: Sequence[tuple[int, int]], silences: Sequence[tuple[int, int]],
                      words: Sequence[str]) -> list[tuple[int, int]]:
    """Put each silence between two words: the words before it end by its start, those after start after it.

    The aligner matches sounds, and a silence matches nothing: a pause often ends up inside the
    word before it ("down." held through the pause) or the word after it (a short "A" that starts
    where the pause starts). Each silence goes to one boundary between words whose spans reach
    into it: after a word that ends a phrase (``.`` ``,`` ``?`` ...) if there is one, else the
    nearest; every word keeps at least 1 ms.
    """
    out = [list(span) for span in spans]
    bounds = [spans[i + 1][0] for i in range(len(spans) - 1)]    # boundary i: between words i and i + 1
    for low, high in silences:
        at = bisect_left(bounds, low)
        best: tuple[bool, int, int] | None = None
        for i in range(max(0, at - 3), min(len(bounds), at + 3)):
            if spans[i][0] < high and spans[i + 1][1] > low:
                distance = 0 if low <= bounds[i] <= high else min(abs(bounds[i] - low), abs(bounds[i] - high))
                option = (_PHRASE_END.search(words[i]) is None, distance, i)
                if best is None or option < best:
                    best = option
        if best is None:
            continue
        i = best[2]
        j = i
        while j >= 0 and out[j][1] > low:              # the words before end where the silence starts
            out[j][1] = max(low, 1)
            out[j][0] = min(out[j][0], out[j][1] - 1)
            j -= 1
        if low > out[i][1]:
            out[i][1] = low
        j = i + 1
        while j < len(out) and out[j][0] < high:        # the words after start where it ends
            out[j][0] = high
            out[j][1] = max(out[j][1], high + 1)
            j += 1
    return [(start, max(end, start + 1)) for start, end in out]


def _trim_to_speech(start: int, end: int, speech: Sequence[bool], ends_phrase: bool) -> tuple[int, int]:
    """Pull a word's edges out of the silences at either end (the word keeps at least 1 ms).

    A word with no sound at all in its span was squeezed into a pause: it goes to the pause's
    end, where the next speech starts, unless it ends a phrase (``down.``), when it goes to the
    pause's start.
    """
    step = round(_FRAME * 1000)
    first, last = start // step, min(len(speech), -(-end // step))
    inside = [i for i in range(first, last) if speech[i]]
    if inside:
        trimmed_start = max(start, inside[0] * step)
        trimmed_end = min(end, (inside[-1] + 1) * step)
        return trimmed_start, max(trimmed_end, trimmed_start + 1)
    if ends_phrase:
        before = next((i for i in range(min(first, len(speech)) - 1, -1, -1) if speech[i]), None)
        at = (before + 1) * step if before is not None else start
        return max(0, at - 1), max(0, at - 1) + 1
    after = next((i for i in range(last, len(speech)) if speech[i]), None)
    at = after * step if after is not None else start
    return at, at + 1


def _confidence(word: str, start: int, end: int, speech: Sequence[bool]) -> float:
    """How believable a word's timing is, 0..1: its speaking rate and the share of it that is sound.

    aeneas gives no score of its own. A word aligned to silence, squeezed to almost nothing or
    stretched over seconds of other speech has a rate no speaker has (outside 2.5-40 characters
    a second); a word that fits scores 1.
    """
    seconds = (end - start) / 1000
    chars = len(word) + 1
    rate = chars / seconds if seconds > 0 else math.inf
    low, high = _PLAUSIBLE_CPS
    score = 1.0 if low <= rate <= high else (rate / low if rate < low else high / rate)
    step = round(_FRAME * 1000)
    frames = range(start // step, min(len(speech), -(-end // step)))
    if len(frames):
        score *= sum(speech[i] for i in frames) / len(frames)
    return round(score, 3)
