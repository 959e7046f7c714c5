"""pydantic models of the course source files (``course.yml`` and ``step.yml``).

Unknown keys are rejected so that a typo is an error, not a silently ignored setting.
The field descriptions double as the JSON Schema that editors use for autocompletion.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG = r"^[a-z][a-z0-9-]{0,59}$"
LANG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
MEDIA_TYPES = {
    ".mp4": ("video", "video/mp4"),
    ".m4v": ("video", "video/mp4"),
    ".webm": ("video", "video/webm"),
    ".m4a": ("audio", "audio/mp4"),
    ".mp3": ("audio", "audio/mpeg"),
    ".ogg": ("audio", "audio/ogg"),
}
IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".webp"}
TRANSCRIPT_TYPES = {".txt", ".vtt", ".srt"}
CAPTION_TYPES = {".vtt", ".srt"}

Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Credits(_Strict):
    """Who made the package and where the material came from."""

    organisation: Text = Field(description="Who made this package.")
    course_title: str | None = Field(None, description="The course the step came from.")
    provider: str | None = Field(None, description="The provider of the original course.")
    people: list[Text] = Field(default_factory=list, description="People credited, e.g. 'Ann Lee (presenter)'.")


COLOUR = r"^#[0-9a-fA-F]{6}$"


class Logo(_Strict):
    """The organisation's or course's logo, shown next to the course title on every page."""

    file: Text = Field(description="Image file (.png .jpg .svg .webp), relative to the course folder.")
    alt: str = Field(description="Text alternative; '' when the logo only repeats the course title next to it.")


class Cover(_Strict):
    """A cover image for the course's contents page (or its only step)."""

    file: Text = Field(description="Image file (.png .jpg .webp), relative to the course folder.")
    alt: str = Field("", description="Text alternative; leave '' for a purely decorative image.")


class Theme(_Strict):
    """The course's identity on top of the built-in theme; colours are checked for WCAG contrast."""

    accent: str | None = Field(None, pattern=COLOUR,
                               description="#rrggbb for links and the Continue control; needs 4.5:1 on white.")
    accent_text: str = Field("#ffffff", pattern=COLOUR,
                             description="#rrggbb for text on the accent colour; needs 4.5:1 on the accent.")
    logo: Logo | None = None
    cover: Cover | None = None


class Course(_Strict):
    """``course.yml``: the course and its ordered steps."""

    id: str = Field(pattern=SLUG, description="Lower-case letters, digits and '-'; names the zip files.")
    title: Text
    language: str = Field(pattern=LANG, description="BCP 47 language tag, e.g. en-GB.")
    description: Text
    licence: Text = Field(description="Licence of the course material, e.g. 'CC BY 4.0'.")
    credits: Credits
    iri: str | None = Field(
        None,
        description="Absolute IRI that names the course in xAPI and cmi5 records, e.g. "
        "https://learning.example.org/courses/kind-handovers (a URL your organisation controls). "
        "Step activity ids are built under it. Default: https://scorm-builder.invalid/courses/<id>.",
    )
    steps: list[Annotated[str, Field(pattern=SLUG)]] = Field(
        min_length=1, description="Step folder names under steps/, in order."
    )
    theme: Theme | None = Field(None, description="Optional logo, cover image and accent colour.")

    @field_validator("iri")
    @classmethod
    def _absolute_iri(cls, value: str | None) -> str | None:
        if value is None:
            return value
        problem = iri_problem(value)
        if problem:
            raise ValueError(f"iri {value!r} {problem}")
        return value.rstrip("/")

    @field_validator("steps")
    @classmethod
    def _unique_steps(cls, steps: list[str]) -> list[str]:
        seen: set[str] = set()
        for step in steps:
            if step in seen:
                raise ValueError(f"step '{step}' is listed twice")
            seen.add(step)
        return steps


class Media(_Strict):
    """The step's video or audio, relative to the step folder."""

    file: Text = Field(description="Video (.mp4 .m4v .webm) or audio (.m4a .mp3 .ogg) file.")
    poster: str | None = Field(None, description="Optional still image shown before playing (.jpg .png .webp).")
    duration: float | None = Field(
        None, gt=0, description="Length in seconds; read from the file when it is MP4/M4A."
    )
    align: bool = Field(
        True, description="Time the generated captions from the speech in this file (needs the 'align' "
        "extra: pip install \"scorm-builder[align]\"); false: from the paragraph timestamps only.",
    )

    @field_validator("file")
    @classmethod
    def _media_type(cls, value: str) -> str:
        if Path(value).suffix.lower() not in MEDIA_TYPES:
            raise ValueError(f"'{value}' is not a supported media type (use one of {', '.join(MEDIA_TYPES)})")
        return value

    @field_validator("poster")
    @classmethod
    def _poster_type(cls, value: str | None) -> str | None:
        if value is not None and Path(value).suffix.lower() not in IMAGE_TYPES:
            raise ValueError(f"'{value}' is not a supported image type (use .jpg, .png or .webp)")
        return value


class Reflection(_Strict):
    """The private reflection activity."""

    prompt: Text = Field(description="The question the learner reflects on; labels the text box.")
    guiding_questions: list[Text] = Field(default_factory=list, description="Shown as a hint under the prompt.")
    min_length: int = Field(0, ge=0, description="Fewest characters accepted on submit.")
    max_length: int = Field(4000, ge=1, le=64000, description="Most characters accepted (targets may lower it).")

    @model_validator(mode="after")
    def _lengths(self) -> Reflection:
        if self.min_length > self.max_length:
            raise ValueError("min_length is greater than max_length")
        return self


class Completion(StrEnum):
    """When the step counts as completed."""

    REFLECTION_SUBMITTED = "reflection-submitted"
    VIEWED = "viewed"


class StepSource(_Strict):
    """``steps/<id>/step.yml``: one step's title, intro, media and activities."""

    title: Text
    intro: str = Field("", description="Short introduction shown under the title.")
    media: Media | None = None
    transcript: str | None = Field(None, description="FutureLearn timestamp text (.txt), WebVTT or SRT.")
    captions: str | None = Field(
        None, description="WebVTT (.vtt) or SRT (.srt) captions timed by hand; used exactly as timed."
    )
    body: str | None = Field(None, description="Markdown file with the step's reading.")
    reflection: Reflection | None = None
    completion: Completion = Field(Completion.REFLECTION_SUBMITTED, description="When the step is completed.")

    @field_validator("transcript")
    @classmethod
    def _transcript_type(cls, value: str | None) -> str | None:
        if value is not None and Path(value).suffix.lower() not in TRANSCRIPT_TYPES:
            raise ValueError(f"'{value}' is not a transcript type (use .txt, .vtt or .srt)")
        return value

    @field_validator("captions")
    @classmethod
    def _captions_type(cls, value: str | None) -> str | None:
        if value is not None and Path(value).suffix.lower() not in CAPTION_TYPES:
            raise ValueError(f"'{value}' is not a captions file (use .vtt or .srt)")
        return value

    @model_validator(mode="after")
    def _completion_needs_reflection(self) -> StepSource:
        if self.completion is Completion.REFLECTION_SUBMITTED and self.reflection is None:
            raise ValueError("completion is 'reflection-submitted' but the step has no reflection "
                             "(add a reflection or set completion: viewed)")
        return self


def json_schemas() -> dict[str, Any]:
    """JSON Schemas of both source files, keyed by file name."""
    return {"course.yml": Course.model_json_schema(), "step.yml": StepSource.model_json_schema()}


_IRI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_IRI_BAD = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]")


def iri_problem(value: str) -> str | None:
    """Why ``value`` cannot be an absolute IRI used as an xAPI activity id, or None."""
    if not _IRI_SCHEME.match(value):
        return "is not absolute: start it with a scheme such as https://"
    if _IRI_BAD.search(value):
        return "contains a space or a character IRIs do not allow (<>\"{}|\\^`)"
    if "#" in value or "?" in value:
        return "has a query or fragment; step ids are built by adding /steps/<id>, so leave them out"
    scheme = value.split(":", 1)[0].lower()
    if scheme in ("http", "https") and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*://[^/]+", value):
        return "has no host (write https://host/path)"
    return None


def interaction_id(step_id: str) -> str:
    """A CMIIdentifier for the step's reflection: letters, digits, '_' and '-' only."""
    return "reflection_" + re.sub(r"[^A-Za-z0-9_-]", "_", step_id)
