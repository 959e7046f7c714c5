"""Write ``course.yml`` and ``step.yml`` as a person would: every field explained in a comment.

Both ``scorm-builder new`` and the importers write source files through here, so the comments a
designer reads are the same whichever way the course was started (one source of truth).
Values are dumped by PyYAML one at a time, so any text round-trips; the comments are ours.
"""

from __future__ import annotations

from typing import Any

import yaml

KeyPath = tuple[str, ...]

#: What each field means, keyed by its path; shown as a comment above the key.
COURSE_COMMENTS: dict[KeyPath, str] = {
    (): "course.yml: the course and its steps. Unknown keys are errors, so a typo never goes "
        "unnoticed.\nSee the README's \"Course source format\" for every field.",
    ("id",): "Lower-case letters, digits and '-', starting with a letter; names the zip files.",
    ("title",): "The course title learners see.",
    ("language",): "BCP 47 language tag (en-GB, fr, de-CH); sets the page and caption language.",
    ("description",): "One paragraph about the course; goes into the package metadata.",
    ("licence",): "Licence of the material, e.g. 'CC BY 4.0', or 'All rights reserved'.",
    ("credits",): "Who made the package and where the material came from.",
    ("credits", "organisation"): "Who made this package (required).",
    ("credits", "course_title"): "Optional: the course the material came from.",
    ("credits", "provider"): "Optional: who made that course.",
    ("credits", "people"): "Optional: people credited, e.g. \"Ann Lee (presenter)\".",
    ("iri",): "Optional: an https:// address your organisation controls; names the course in "
              "xAPI and cmi5 records.",
    ("steps",): "Step folders under steps/, in the order learners take them.\n"
                "`scorm-builder add-step COURSE_DIR STEP_ID` adds one here and creates its folder.",
}

STEP_COMMENTS: dict[KeyPath, str] = {
    (): "step.yml: one step. Paths are relative to this folder.",
    ("title",): "The step's heading.",
    ("intro",): "A sentence or two shown under the title.",
    ("media",): "Optional: the step's video or audio; leave it out for a step without media.",
    ("media", "file"): "Video (.mp4 .m4v .webm) or audio (.m4a .mp3 .ogg); H.264/AAC MP4 plays "
                       "everywhere.",
    ("media", "poster"): "Optional: still image shown before the video plays (.jpg .png .webp).",
    ("media", "duration"): "Optional: seconds; read from the file for MP4, M4A, WebM and MP3.",
    ("transcript",): "Optional: transcript.txt (a line with the start time, e.g. 23.4 or 1:02:03, "
                     "then the paragraph;\n'NAME: ' names the speaker), or a .vtt/.srt file whose "
                     "cues are kept as the captions, exactly as timed.",
    ("captions",): "Optional: a .vtt or .srt file of captions you timed yourself; its cues are "
                   "used as they are,\nand the paragraphs of the transcript stay the transcript.",
    ("body",): "Optional: the step's reading, in Markdown (headings, lists, links, local images).",
    ("reflection",): "Optional: a private reflection the learner writes, downloads or prints.",
    ("reflection", "prompt"): "The question the learner reflects on; labels the text box.",
    ("reflection", "guiding_questions"): "Optional: hints shown under the prompt.",
    ("reflection", "min_length"): "Fewest characters accepted on submit.",
    ("reflection", "max_length"): "Most characters accepted; a SCORM 1.2 package stores at most "
                                  "4000.",
    ("completion",): "reflection-submitted (when the learner submits) or viewed (when the step "
                     "is opened).",
}

#: Optional keys shown commented out when absent, so a designer sees how to add them.
STEP_EXAMPLES: dict[KeyPath, str] = {
    ("media",): "media:\n  file: media/video.mp4\n  poster: media/poster.jpg",
    ("captions",): "captions: captions.vtt",
}

_STEP_ORDER = ("title", "intro", "media", "transcript", "captions", "body", "reflection", "completion")


def course_yml(data: dict[str, Any]) -> str:
    """The text of a commented ``course.yml`` for ``data`` (which must validate as a Course)."""
    return _document(data, COURSE_COMMENTS, {}, None)


def step_yml(data: dict[str, Any]) -> str:
    """The text of a commented ``step.yml`` for ``data``; absent optional keys shown as examples."""
    return _document(data, STEP_COMMENTS, STEP_EXAMPLES, _STEP_ORDER)


def _document(data: dict[str, Any], comments: dict[KeyPath, str], examples: dict[KeyPath, str],
              order: tuple[str, ...] | None) -> str:
    out = _comment(comments.get((), ""), "")
    keys = list(data)
    if order is not None:
        keys = [k for k in order if k in data or (k,) in examples] + [k for k in data if k not in order]
    for key in keys:
        if key not in data:
            out += "\n" + _comment(comments.get((key,), ""), "")
            out += "".join(f"# {line}\n" for line in examples[(key,)].splitlines())
            continue
        out += _entry(key, data[key], (key,), comments, 0)
    return out


def _entry(key: str, value: Any, path: KeyPath, comments: dict[KeyPath, str], depth: int) -> str:
    indent = "  " * depth
    text = ("\n" if depth == 0 else "") + _comment(comments.get(path, ""), indent)
    if isinstance(value, dict) and value:
        text += f"{indent}{key}:\n"
        for child, child_value in value.items():
            text += _entry(child, child_value, (*path, child), comments, depth + 1)
        return text
    if isinstance(value, list) and value:
        text += f"{indent}{key}:\n"
        for item in value:
            text += f"{indent}  - {_scalar(item)}\n"
        return text
    return text + f"{indent}{key}: {_scalar(value)}\n"


def _scalar(value: Any) -> str:
    """One value in YAML flow form on one line (quoted when plain text would be misread)."""
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1_000_000, default_flow_style=True)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def _comment(text: str, indent: str) -> str:
    return "".join(f"{indent}# {line}\n" for line in text.splitlines())
