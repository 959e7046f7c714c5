"""Render every page of a package in memory with jinja2.

Rendering never touches the output folder; it returns bytes keyed by package path, which the
packager writes in one go.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from scorm_builder.activities import course_iri, step_activities
from scorm_builder.errors import Location, SourceError
from scorm_builder.inline import InlineAssets
from scorm_builder.markdown import marked_passages, render_markdown
from scorm_builder.models import interaction_id
from scorm_builder.plan import BuildPlan, StepPlan, course_asset
from scorm_builder.theme import environment
from scorm_builder.transcript import format_clock

STEP_SCRIPT = "assets/step.js"
CONTENTS_SCRIPT = "assets/contents.js"


@dataclass(frozen=True)
class TargetInfo:
    """What the page needs to know about the target it is rendered for."""

    name: str
    runtime_scripts: tuple[str, ...]
    max_reflection: int | None
    standalone: bool
    course_nav: bool = False
    """Pages link to each other (contents page, Previous/Next): the LMS launches the course once."""
    activity_ids: bool = False
    """Pages carry their xAPI activity ids (``page_data["activity"]``) for an xAPI/cmi5 runtime."""
    lrs: bool = False
    """The runtime sends to a server named at launch (an xAPI LRS): the pages' CSP allows connect-src to it."""
    inline_assets: bool = False
    """The page's own stylesheet and scripts go inside each page (``scorm_builder/inline.py``): a build
    opened from ``file://``, whose package lists no files in a manifest."""


@dataclass(frozen=True)
class Rendered:
    """Rendered pages plus files the pages pulled in (Markdown images)."""

    pages: dict[str, bytes]
    copies: tuple[tuple[str, Path], ...]
    inlined: frozenset[str] = frozenset()
    """Assets written into the pages: the package needs them as files only if a page still links them."""


def render_package(plan: BuildPlan, target: TargetInfo) -> Rendered:
    """Render each step page (and the contents page of a multi-step web build)."""
    env = environment(plan.loaded.templates_dir)
    ui = plan.interface
    env.install_gettext_translations(ui.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["text_direction"] = ui.direction
    env.filters["number"] = ui.number
    env.filters["percent"] = ui.percent
    messages = ui.page_messages(_script_sources(plan))
    course = _course_context(plan)
    pages: dict[str, bytes] = {}
    copies: list[tuple[str, Path]] = []
    inline = InlineAssets(plan.loaded.templates_dir) if target.inline_assets else None
    step_inline = inline.page((*target.runtime_scripts, STEP_SCRIPT)) if inline else None
    inlined: set[str] = set(step_inline.paths) if step_inline else set()
    for step_plan in plan.steps:
        context, images = _step_context(plan, step_plan, target, course)
        context["inline"] = step_inline
        if messages is not None:
            context["page_data"]["i18n"] = messages
        copies.extend(images)
        pages[step_plan.page] = _render(env, "step.html", context).encode("utf-8")
    if target.course_nav and plan.contents_page:
        steps = [{"id": s.step.id, "href": s.page, "title": s.step.source.title, "intro": s.step.source.intro,
                  "completion": s.step.source.completion.value} for s in plan.steps]
        contents_data: dict[str, Any] = {"courseId": course["id"], "target": target.name,
                                         "steps": [s["id"] for s in steps]}
        if messages is not None:
            contents_data["i18n"] = messages
        if target.activity_ids:  # an xAPI contents page reads the course's progress from the LRS
            contents_data["courseIri"] = course_iri(plan.loaded.course)
            contents_data["activitySteps"] = [step_activities(plan.loaded.course, s.step.id).step
                                              for s in plan.steps]
        contents_inline = inline.page((*target.runtime_scripts, CONTENTS_SCRIPT)) if inline else None
        inlined.update(contents_inline.paths if contents_inline else ())
        html = _render(env, "contents.html", {"course": course, "steps": steps, "target": _target(target),
                                              "page_data": contents_data, "inline": contents_inline})
        pages[plan.contents_page] = html.encode("utf-8")
    return Rendered(pages, tuple(copies), frozenset(inlined))


def _script_sources(plan: BuildPlan) -> list[str]:
    """The page scripts a package may ship (theme and runtimes): their strings go to the page."""
    if plan.interface.english:
        return []
    from scorm_builder.theme import static_assets

    paths = [p for p in static_assets(plan.loaded.templates_dir).values() if p.suffix == ".js"]
    paths += sorted((Path(__file__).resolve().parent / "runtime").glob("*.js"))
    return [p.read_text("utf-8") for p in paths]


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template; a broken (overridden) template is reported at its file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = Location(Path(exc.filename or name), exc.lineno or 0)
        raise SourceError(where, f"template syntax error: {exc.message}", "fix the template") from None
    except jinja2.TemplateError as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".html")]
        where = Location(Path(frames[-1].filename), frames[-1].lineno or 0) if frames else Location(Path(name))
        raise SourceError(where, f"template error: {exc}", "check the names the template uses "
                          "against docs/architecture.md") from None


def _course_context(plan: BuildPlan) -> dict[str, Any]:
    course = plan.loaded.course
    theme = course.theme
    images: dict[str, dict[str, str] | None] = {"logo": None, "cover": None}
    for key, path in (("logo", plan.loaded.logo_path), ("cover", plan.loaded.cover_path)):
        image = getattr(theme, key) if theme is not None else None
        if path is not None and image is not None:
            images[key] = {"href": course_asset(key, path), "alt": image.alt}
    return {
        "logo": images["logo"],
        "cover": images["cover"],
        "accent": theme.accent if theme is not None else None,
        "accent_text": theme.accent_text if theme is not None else None,
        "theme_css": plan.theme_css_href,
        "id": course.id,
        "title": course.title,
        "language": course.language,
        "description": course.description,
        "licence": course.licence,
        "credits": course.credits.model_dump(),
    }


def _target(target: TargetInfo) -> dict[str, Any]:
    return {"name": target.name, "runtime_scripts": list(target.runtime_scripts),
            "max_reflection": target.max_reflection, "lrs": target.lrs}


def _step_context(plan: BuildPlan, sp: StepPlan, target: TargetInfo,
                  course: dict[str, Any]) -> tuple[dict[str, Any], tuple[tuple[str, Path], ...]]:
    step = sp.step
    source = step.source
    body_html = Markup("")
    images: tuple[tuple[str, Path], ...] = ()
    if step.body_markdown and step.body_path is not None:
        rendered = render_markdown(step.body_markdown, step.body_path, step.dir, f"media/{step.id}")
        body_html, images = Markup(rendered.html), rendered.images  # escaped by markdown-it
    reflection = None
    limit = None
    if source.reflection is not None:
        limit = source.reflection.max_length
        if target.max_reflection is not None:
            limit = min(limit, target.max_reflection)
        reflection = {
            "prompt": source.reflection.prompt,
            "guiding_questions": list(source.reflection.guiding_questions),
            "min_length": source.reflection.min_length,
            "max_length": limit,
            "interaction_id": interaction_id(step.id),
        }
    media = None
    if step.media_path is not None and sp.media_href is not None:
        from scorm_builder.models import MEDIA_TYPES

        kind, mime = MEDIA_TYPES[step.media_path.suffix.lower()]
        media = {"href": sp.media_href, "mime": mime, "kind": kind, "poster_href": sp.poster_href,
                 "duration": step.duration}
    paragraphs = []
    previous_speaker: str | None = None
    for number, para in enumerate(step.paragraphs, start=1):
        paragraphs.append({
            "id": f"p{number}",
            "start": para.start,
            "start_label": format_clock(para.start),
            "speaker": para.speaker,
            "show_speaker": para.speaker is not None and para.speaker != previous_speaker,
            "text": marked_passages(para.marked or para.text),
        })
        previous_speaker = para.speaker
    step_context = {
        "id": step.id,
        "index": sp.index,
        "title": source.title,
        "intro": source.intro,
        "media": media,
        "captions_href": sp.captions_href,
        "captions_vtt": sp.vtt if sp.captions_href else None,
        "transcript_href": sp.transcript_href,
        "transcript_txt": sp.transcript_txt,
        "paragraphs": paragraphs,
        "body_html": body_html,
        "reflection": reflection,
        "completion": source.completion.value,
        "number": sp.index + 1,
        "count": len(plan.steps),
        "next_title": plan.steps[sp.index + 1].step.source.title if sp.index + 1 < len(plan.steps) else None,
    }
    nav = _nav(plan, sp) if target.course_nav else None
    page_data = {
        "courseId": course["id"],
        "courseTitle": course["title"],
        "stepId": step.id,
        "stepTitle": source.title,
        "language": course["language"],
        "completion": source.completion.value,
        "interactionId": interaction_id(step.id),
        "prompt": reflection["prompt"] if reflection else None,
        "guidingQuestions": reflection["guiding_questions"] if reflection else [],
        "minLength": reflection["min_length"] if reflection else 0,
        "maxLength": limit,
        "target": target.name,
        "storageKey": f"scorm-builder:{course['id']}:{step.id}",
        "captionsVtt": sp.vtt if sp.captions_href else None,
        "transcriptTxt": sp.transcript_txt,
        "stepNumber": sp.index + 1,
        "stepCount": len(plan.steps),
        "steps": [other.step.id for other in plan.steps],
        "nextTitle": step_context["next_title"],
    }
    if target.activity_ids:
        page_data["activity"] = _activity(plan, sp)
    context = {"course": course, "step": step_context, "nav": nav, "target": _target(target),
               "page_data": page_data}
    return context, images


def _activity(plan: BuildPlan, sp: StepPlan) -> dict[str, Any]:
    """The xAPI activity ids and names a step's statements use (see docs/architecture.md)."""
    course = plan.loaded.course
    ids = step_activities(course, sp.step.id)
    return {
        "course": course_iri(course),
        "courseName": course.title,
        "courseDescription": course.description,
        "step": ids.step,
        "stepName": sp.step.source.title,
        "stepDescription": sp.step.source.intro or sp.step.source.title,
        "reflection": ids.reflection if sp.step.source.reflection is not None else None,
        "media": ids.media if sp.media_href is not None else None,
        "steps": [step_activities(course, other.step.id).step for other in plan.steps],
        "lang": course.language,
    }


def _nav(plan: BuildPlan, sp: StepPlan) -> dict[str, Any]:
    def link(index: int) -> dict[str, str] | None:
        if 0 <= index < len(plan.steps):
            other = plan.steps[index]
            return {"href": other.page, "title": other.step.source.title}
        return None

    return {"prev": link(sp.index - 1), "next": link(sp.index + 1), "contents_href": plan.contents_page}
