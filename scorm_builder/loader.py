"""Load a course source folder into validated models, keeping source locations.

Every problem found while loading is reported with ``file:line:col``; all problems of one file
are gathered before stopping so that a designer can fix them in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from difflib import get_close_matches
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from scorm_builder.checks import check_course
from scorm_builder.contrast import check_colours
from scorm_builder.errors import Diagnostic, Location, SourceError, SourceErrors
from scorm_builder.markdown import strip_passages
from scorm_builder.mediaprobe import MediaInfo, probe
from scorm_builder.models import CAPTION_TYPES, Course, StepSource, Theme
from scorm_builder.source_limits import check_inside, check_texts, read_source_text
from scorm_builder.sourcemap import SourceMap, load_yaml
from scorm_builder.transcript import Paragraph, SourceCue, cues_to_paragraphs, parse_transcript, read_cues

COURSE_FILE = "course.yml"
STEP_FILE = "step.yml"
Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class LoadedStep:
    """A validated step with its files resolved and its transcript parsed."""

    id: str
    dir: Path
    source: StepSource
    smap: SourceMap
    media_path: Path | None
    poster_path: Path | None
    duration: float | None
    transcript_path: Path | None
    paragraphs: tuple[Paragraph, ...]
    body_path: Path | None
    body_markdown: str
    captions_path: Path | None = None
    timed_cues: tuple[SourceCue, ...] = ()
    """Hand-timed cues (a .vtt/.srt transcript, or ``captions:``), kept as the captions."""
    media_info: MediaInfo | None = None
    """Container, duration and codecs read from the media file itself."""


@dataclass(frozen=True)
class LoadedCourse:
    """A validated course: the models plus where their files are."""

    dir: Path
    course: Course
    smap: SourceMap
    steps: tuple[LoadedStep, ...]
    templates_dir: Path | None
    warnings: tuple[Diagnostic, ...] = ()
    logo_path: Path | None = None
    cover_path: Path | None = None


def load_course(course_dir: Path) -> LoadedCourse:
    """Read and validate ``course_dir``; raise SourceError(s) naming file and line on bad input."""
    course_dir = course_dir.resolve()
    course_file = course_dir / COURSE_FILE
    if not course_file.is_file():
        raise SourceError(Location(course_file), "course file not found",
                          f"a course folder needs a {COURSE_FILE}; see the README's course format")
    check_inside(course_dir, course_file, Location(course_file), "course file")
    data, smap = load_yaml(course_file)
    course = _validate(Course, data, smap)
    steps = []
    errors: list[SourceError | SourceErrors] = []
    for index, step_id in enumerate(course.steps):
        with _Problems(errors):
            steps.append(_load_step(course_dir, step_id, smap.locate(("steps", index))))
    logo_path = cover_path = None
    if course.theme is not None:
        with _Problems(errors):
            logo_path, cover_path = _load_theme(course_dir, course.theme, smap)
    _raise_found(errors)
    templates = course_dir / "templates"
    if templates.is_dir():
        check_inside(course_dir, templates, Location(templates), "templates folder")
    loaded = LoadedCourse(course_dir, course, smap, tuple(steps), templates if templates.is_dir() else None,
                          logo_path=logo_path, cover_path=cover_path)
    return replace(loaded, warnings=tuple(check_course(loaded)))


class _Problems:
    """Context manager that files a SourceError(s) into a list, so loading goes on to the next part."""

    def __init__(self, errors: list[SourceError | SourceErrors]) -> None:
        self.errors = errors

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> bool:
        if isinstance(error, SourceError | SourceErrors):
            self.errors.append(error)
            return True
        return False


def _raise_found(found: list[SourceError | SourceErrors]) -> None:
    """Re-raise one problem as it was raised; several together as one ``SourceErrors``."""
    if len(found) == 1:
        raise found[0]
    if found:
        raise SourceErrors([e for item in found
                            for e in (item.errors if isinstance(item, SourceErrors) else [item])])


def _load_step(course_dir: Path, step_id: str, listed_at: Location) -> LoadedStep:
    step_dir = course_dir / "steps" / step_id
    step_file = step_dir / STEP_FILE
    check_inside(course_dir, step_file, listed_at, "step file")
    if not step_file.is_file():
        raise SourceError(listed_at, f"step '{step_id}' has no {step_file.relative_to(course_dir)}",
                          "create it or remove the step from the list")
    data, smap = load_yaml(step_file)
    source = _validate(StepSource, data, smap)
    errors: list[SourceError | SourceErrors] = []
    media_path = poster_path = transcript_path = body_path = captions_path = None
    duration = None
    media_info: MediaInfo | None = None
    if source.media is not None:
        with _Problems(errors):
            media_path = _existing(step_dir, source.media.file, smap, ("media", "file"))
            media_info = probe(media_path)
            duration = source.media.duration or _probe_duration(media_path, media_info, smap)
        if source.media.poster:
            with _Problems(errors):
                poster_path = _existing(step_dir, source.media.poster, smap, ("media", "poster"))
    paragraphs: tuple[Paragraph, ...] = ()
    timed: tuple[SourceCue, ...] = ()
    if source.transcript:
        with _Problems(errors):
            transcript_path = _existing(step_dir, source.transcript, smap, ("transcript",))
            text = _read_text(transcript_path)
            if transcript_path.suffix.lower() in CAPTION_TYPES:
                timed = tuple(read_cues(text, transcript_path))
                check_texts(transcript_path, ((c.line, c.text) for c in timed), "cue")
                paragraphs = tuple(cues_to_paragraphs(timed))
            else:
                paragraphs = tuple(_passages(p) for p in parse_transcript(text, transcript_path))
            check_texts(transcript_path, ((p.line, p.text) for p in paragraphs))
    if source.captions:
        with _Problems(errors):
            captions_path = _existing(step_dir, source.captions, smap, ("captions",))
            timed = tuple(read_cues(_read_text(captions_path), captions_path))
            check_texts(captions_path, ((c.line, c.text) for c in timed), "cue")
            if not source.transcript:
                paragraphs = tuple(cues_to_paragraphs(timed))
    elif timed:
        captions_path = transcript_path
    body = ""
    if source.body:
        with _Problems(errors):
            body_path = _existing(step_dir, source.body, smap, ("body",))
            body = _read_text(body_path)
    _raise_found(errors)
    return LoadedStep(step_id, step_dir, source, smap, media_path, poster_path, duration,
                      transcript_path, paragraphs, body_path, body, captions_path, timed, media_info)


def _passages(para: Paragraph) -> Paragraph:
    """Captions and downloads get the plain text; the page keeps the ``[text]{lang=xx}`` marks."""
    plain = strip_passages(para.text)
    return para if plain == para.text else replace(para, text=plain, marked=para.text)


def _probe_duration(media_path: Path, info: MediaInfo | None, smap: SourceMap) -> float:
    if info is not None and info.duration:
        return info.duration
    raise SourceError(smap.locate(("media", "file")), f"cannot read the duration of {media_path.name}",
                      "add 'duration: SECONDS' under media")


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


def _load_theme(course_dir: Path, theme: Theme, smap: SourceMap) -> tuple[Path | None, Path | None]:
    """The logo and cover files, and the colour pairs checked for contrast; every problem at once."""
    errors: list[SourceError] = []
    paths: list[Path | None] = []
    for name, image in (("logo", theme.logo), ("cover", theme.cover)):
        path = None
        if image is not None:
            try:
                path = _existing(course_dir, image.file, smap, ("theme", name, "file"), "course")
                if path.suffix.lower() not in IMAGE_SUFFIXES:
                    raise SourceError(smap.locate(("theme", name, "file")), f"'{image.file}' is not an image",
                                      "use a " + ", ".join(IMAGE_SUFFIXES) + " file")
            except SourceError as exc:
                errors.append(exc)
        paths.append(path)
    if theme.accent is not None:
        for failure in check_colours(theme.accent, theme.accent_text):
            key = failure.key if failure.key in theme.model_fields_set or failure.key == "accent" else "accent"
            errors.append(SourceError(smap.locate(("theme", key)), failure.message, failure.hint))
    if errors:
        raise SourceErrors(errors) if len(errors) > 1 else errors[0]
    return paths[0], paths[1]


def _existing(step_dir: Path, relative: str, smap: SourceMap, key: tuple[str, ...], folder: str = "step") -> Path:
    where = smap.locate(key)
    candidate = (step_dir / relative).resolve()
    if Path(relative).is_absolute() or not candidate.is_relative_to(step_dir.resolve()):
        raise SourceError(where, f"'{relative}' is outside the {folder} folder",
                          f"put the file inside the {folder} folder and give a relative path")
    if not candidate.is_file():
        raise SourceError(where, f"file '{relative}' not found in {step_dir}", "check the file name and case")
    return candidate


def _read_text(path: Path) -> str:
    return read_source_text(path)  # at most 1 MiB (source_limits)


def _validate(model: type[Model], data: Any, smap: SourceMap) -> Model:
    if not isinstance(data, dict):
        raise SourceError(smap.locate(()), f"expected a mapping of keys to values, found {type(data).__name__}",
                          "see the README's course format")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SourceErrors([_explain(err, model, smap) for err in exc.errors()]) from None


def _explain(err: Any, model: type[BaseModel], smap: SourceMap) -> SourceError:
    loc = tuple(err["loc"])
    key = ".".join(str(part) for part in loc) or "(file)"
    where = smap.locate(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        guess = get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{guess[0]}'?" if guess else f"allowed keys: {', '.join(allowed)}"
        return SourceError(where, f"unknown key '{key}'", hint)
    if kind == "missing":
        return SourceError(where, f"missing required key '{key}'", "add it; see the README's course format")
    message = str(err["msg"]).removeprefix("Value error, ")
    return SourceError(where, f"{key}: {message}", f"got {err.get('input')!r}" if kind != "value_error" else None)


def _allowed_keys(model: type[BaseModel], parent: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in parent:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return []
        annotation = field.annotation
        current = next((a for a in getattr(annotation, "__args__", (annotation,))
                        if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if current is None:
            return []
    return sorted(current.model_fields)
