"""Decide what goes where in a package, before anything is rendered or written.

The plan is the same for every target: page names, media paths, the generated captions and
transcript download. Targets only add their manifest and runtime script on top.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scorm_builder.captions import CaptionWarning, Cue, to_webvtt
from scorm_builder.contrast import theme_css
from scorm_builder.cuepool import make_cues_each
from scorm_builder.errors import Diagnostic, Location
from scorm_builder.i18n import Interface, load_interface
from scorm_builder.loader import LoadedCourse, LoadedStep
from scorm_builder.timedcaptions import kept_cues
from scorm_builder.transcript import to_plain_text


@dataclass(frozen=True)
class StepPlan:
    """One step's page and the package paths of everything it uses."""

    step: LoadedStep
    index: int
    page: str
    media_href: str | None
    poster_href: str | None
    captions_href: str | None
    transcript_href: str | None
    cues: tuple[Cue, ...]
    vtt: str | None
    """The captions as WebVTT (made for every transcript; shipped only when ``captions_href`` is set)."""
    transcript_txt: str | None
    copies: tuple[tuple[str, Path], ...]

    @property
    def generated(self) -> dict[str, bytes]:
        """Files produced from the source text (captions and transcript download)."""
        out: dict[str, bytes] = {}
        if self.captions_href and self.vtt is not None:
            out[self.captions_href] = self.vtt.encode("utf-8")
        if self.transcript_href and self.transcript_txt is not None:
            out[self.transcript_href] = self.transcript_txt.encode("utf-8")
        return out


@dataclass(frozen=True)
class BuildPlan:
    """The whole package layout, shared by every target."""

    loaded: LoadedCourse
    steps: tuple[StepPlan, ...]
    warnings: tuple[Diagnostic, ...]
    interface: Interface
    """The interface catalogue chosen by the course's ``language`` (English when it has none)."""
    notes: tuple[str, ...] = ()
    """Advice for the person building, not about their files (said once, never a warning)."""

    @property
    def course_copies(self) -> dict[str, Path]:
        """The course's own images (``theme.logo``, ``theme.cover``) under ``assets/course/``."""
        out: dict[str, Path] = {}
        for key, path in (("logo", self.loaded.logo_path), ("cover", self.loaded.cover_path)):
            if path is not None:
                out[course_asset(key, path)] = path
        return out

    @property
    def theme_css_href(self) -> str | None:
        """Package path of the course's colour stylesheet, when ``theme.accent`` is set."""
        theme = self.loaded.course.theme
        return COURSE_THEME_CSS if theme is not None and theme.accent is not None else None

    @property
    def course_generated(self) -> dict[str, bytes]:
        """Files made from course.yml itself: the course's colours (light and dark) as a stylesheet."""
        theme = self.loaded.course.theme
        if theme is None or theme.accent is None:
            return {}
        return {COURSE_THEME_CSS: theme_css(theme.accent, theme.accent_text).encode("utf-8")}

    @property
    def contents_page(self) -> str | None:
        """The course contents page of a multi-step web build (``index.html``)."""
        return "index.html" if len(self.steps) > 1 else None


COURSE_THEME_CSS = "assets/course/theme.css"


def course_asset(key: str, path: Path) -> str:
    """Package path of a course image: ``assets/course/logo-<name>`` (shared by every page and SCO)."""
    return f"assets/course/{key}-{_safe_name(path.name)}"


def page_name(index: int, step_id: str, step_count: int) -> str:
    """A single-step course opens straight on its step; larger ones get a contents page."""
    return "index.html" if step_count == 1 else f"{step_id}.html"


def make_plan(loaded: LoadedCourse, on_step: Callable[[int, int, str], None] | None = None) -> BuildPlan:
    """Lay out every step of ``loaded``; caption warnings are collected, not raised.

    ``on_step(number, count, step_id)`` is told before each step is planned (build progress).
    Steps with media are captioned from their audio when the ``align`` extra is installed (and
    ``media.align`` is not false); without it they are timed as the rest and a note says how to
    get aligned captions.
    """
    steps = []
    warnings: list[Diagnostic] = list(loaded.warnings)
    notes: list[str] = []
    generated_steps = [step for step in loaded.steps if step.paragraphs and not step.timed_cues]
    generating = {step.id for step in generated_steps}
    aligned = {step.id for step in generated_steps if wants_alignment(step)}
    if aligned:
        from scorm_builder.align import INSTALL_HINT, aligner_available

        if not aligner_available():
            notes.append(INSTALL_HINT)
            aligned = set()
    # the proportional captions of every other step, cut on every core when there is enough to cut
    generated = make_cues_each([(step.paragraphs, step.duration) for step in generated_steps
                                if step.id not in aligned])
    for index, step in enumerate(loaded.steps):
        if on_step is not None:
            on_step(index + 1, len(loaded.steps), step.id)
        made = None
        if step.id in generating:
            if step.id in aligned:
                from scorm_builder.stepalign import align_step

                made, problems = align_step(loaded, step)
                warnings.extend(problems)
            else:
                made = next(generated)
        plan, step_warnings = _plan_step(loaded, step, index, made)
        steps.append(plan)
        warnings.extend(step_warnings)
    override = loaded.templates_dir / "locale" if loaded.templates_dir is not None else None
    interface = load_interface(loaded.course.language, loaded.smap.locate(("language",)), override)
    warnings.extend(interface.warnings)
    return BuildPlan(loaded, tuple(steps), tuple(warnings), interface, tuple(notes))


def wants_alignment(step: LoadedStep) -> bool:
    """The step's generated captions should follow its audio: it has media and alignment is not off."""
    media = step.source.media
    return step.media_path is not None and media is not None and media.align


def _plan_step(loaded: LoadedCourse, step: LoadedStep, index: int,
               made: tuple[list[Cue], list[CaptionWarning]] | None) -> tuple[StepPlan, list[Diagnostic]]:
    folder = f"media/{step.id}"
    copies: list[tuple[str, Path]] = []
    media_href = poster_href = captions_href = transcript_href = None
    if step.media_path is not None:
        media_href = f"{folder}/{_safe_name(step.media_path.name)}"
        copies.append((media_href, step.media_path))
    if step.poster_path is not None:
        poster_href = f"{folder}/{_safe_name(step.poster_path.name)}"
        copies.append((poster_href, step.poster_path))
    cues: tuple[Cue, ...] = ()
    vtt = txt = None
    warnings: list[Diagnostic] = []
    if step.paragraphs:
        if step.timed_cues:                        # timed by a person: kept exactly, only checked
            kept, caption_warnings = kept_cues(step.timed_cues, step.paragraphs, step.duration)
            source = step.captions_path or step.dir
        else:
            assert made is not None
            kept, caption_warnings = made
            source = step.transcript_path or step.dir
        cues = tuple(kept)
        vtt = to_webvtt(cues, loaded.course.language)
        txt = to_plain_text(step.paragraphs)
        transcript_href = f"{folder}/transcript.txt"
        # The captions are checked (and their warnings given) either way, ready for the video to come,
        # but a step without media ships no captions file: nothing would show it.
        captions_href = f"{folder}/captions.vtt" if step.media_path is not None else None
        warnings = [Diagnostic(Location(source, w.line), w.message) for w in caption_warnings]
    page = page_name(index, step.id, len(loaded.steps))
    return StepPlan(step, index, page, media_href, poster_href, captions_href, transcript_href,
                    cues, vtt, txt, tuple(copies)), warnings


def _safe_name(name: str) -> str:
    """Package file names stay portable: no spaces or characters that need URL escaping."""
    return "".join(c if c.isalnum() or c in "._-" else "-" for c in name)
