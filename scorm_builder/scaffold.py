"""``scorm-builder new`` and ``add-step``: start a course, or add a step, that builds at once.

The files explain their own fields (see ``sourcetext``). ``add_step`` edits course.yml as text,
appending one list item after the last step, so the designer's comments and layout survive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scorm_builder.errors import Location, SourceError
from scorm_builder.importers.writer import slugify, write_atomically
from scorm_builder.models import SLUG
from scorm_builder.sourcemap import load_yaml
from scorm_builder.sourcetext import course_yml, step_yml

FIRST_STEP = "first-step"

_TRANSCRIPT = """\
0
PRESENTER: This is the transcript. A line holding only a start time, in seconds or as 1:02:03,
opens a paragraph; the lines after it are what is said from that time.

9.5
A paragraph that opens with a name in capitals and a colon names the speaker, who carries on
until another name. Add media to step.yml and these paragraphs become the captions too.
"""

_BODY = """\
## What this step is about

Write the step's reading here, in Markdown: paragraphs, *emphasis*, lists and
[links](https://example.org). Headings start at `##`.

- Images must be files in this folder, e.g. `![A ward at night](ward.jpg)`.
- Tables and raw HTML are not shown by the page; the build warns about them.
"""


@dataclass(frozen=True)
class Scaffolded:
    """What ``new`` or ``add-step`` wrote, for the command line to report."""

    course_dir: Path
    step_id: str
    files: tuple[Path, ...]

    def __str__(self) -> str:
        listing = "\n".join(f"  {path}" for path in self.files)
        return f"wrote {len(self.files)} files in {self.course_dir}:\n{listing}"


def _title(step_id: str) -> str:
    return step_id.replace("-", " ").capitalize()


def _step_files(step_id: str) -> dict[Path, str]:
    folder = Path("steps") / step_id
    step = {
        "title": _title(step_id),
        "intro": "One or two sentences that tell the learner what this step is for.",
        "transcript": "transcript.txt",
        "body": "body.md",
        "reflection": {
            "prompt": "What is one thing from this step you will use in your practice?",
            "guiding_questions": ["When will you next have the chance to try it?"],
            "min_length": 0,
            "max_length": 4000,
        },
        "completion": "reflection-submitted",
    }
    return {folder / "step.yml": step_yml(step), folder / "transcript.txt": _TRANSCRIPT,
            folder / "body.md": _BODY}


def new_course(course_dir: Path) -> Scaffolded:
    """Create ``course_dir`` with a course.yml and one step; refuse a folder that is not empty."""
    course_id = slugify(course_dir.resolve().name, "course")
    course = {
        "id": course_id,
        "title": _title(course_id),
        "language": "en-GB",
        "description": "One paragraph about what the learner will get from this course.",
        "licence": "All rights reserved",
        "credits": {"organisation": "Your organisation"},
        "steps": [FIRST_STEP],
    }
    files = {Path("course.yml"): course_yml(course), **_step_files(FIRST_STEP)}
    written = write_atomically(course_dir, files, None, None)
    return Scaffolded(course_dir, FIRST_STEP, tuple(course_dir / p for p in written))


def add_step(course_dir: Path, step_id: str) -> Scaffolded:
    """Create ``steps/STEP_ID`` and list it last in course.yml, keeping the file's text as it is."""
    course_file = course_dir / "course.yml"
    if not course_file.is_file():
        raise SourceError(Location(course_file), "course file not found",
                          "run `scorm-builder new COURSE_DIR` first, or check the folder")
    if not re.match(SLUG, step_id):
        raise SourceError(Location(course_file), f"'{step_id}' cannot be a step id",
                          "use lower-case letters, digits and '-', starting with a letter, "
                          f"at most 60 characters, e.g. '{slugify(step_id, 'step')}'")
    data, smap = load_yaml(course_file)
    steps = data.get("steps") if isinstance(data, dict) else None
    if not isinstance(steps, list) or not steps:
        raise SourceError(smap.locate(("steps",)), "course.yml has no 'steps:' list to add to",
                          "add 'steps:' with at least one step")
    if step_id in steps:
        raise SourceError(smap.locate(("steps", steps.index(step_id))),
                          f"step '{step_id}' is already in the course", "choose another id")
    folder = course_dir / "steps" / step_id
    if folder.exists():
        raise SourceError(Location(folder), f"folder steps/{step_id} already exists",
                          "choose another id, or list the existing folder in course.yml by hand")
    text = course_file.read_text(encoding="utf-8")
    line, _ = smap.positions[("steps", len(steps) - 1)]
    updated = _append_item(text, line, step_id, smap.locate(("steps",)))
    files = _step_files(step_id)
    for rel, content in files.items():
        (course_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (course_dir / rel).write_text(content, encoding="utf-8", newline="\n")
    course_file.write_text(updated, encoding="utf-8", newline="")
    return Scaffolded(course_dir, step_id, (course_file, *(course_dir / p for p in files)))


def _append_item(text: str, last_line: int, step_id: str, where: Location) -> str:
    """course.yml's text with ``- step_id`` after the list item on ``last_line`` (1-based)."""
    lines = text.splitlines(keepends=True)
    current = lines[last_line - 1]
    newline = "\r\n" if current.endswith("\r\n") else "\n"
    block = re.match(r"^(\s*-\s+)", current)
    if block:                                      # block list: same indent and dash as the last item
        item = f"{block.group(1)}{step_id}{newline}"
        if not current.endswith(("\n", "\r")):
            lines[last_line - 1] = current + newline
        lines.insert(last_line, item)
        return "".join(lines)
    flow = current.rfind("]")
    if flow != -1:                                 # flow list on one line: steps: [a, b]
        lines[last_line - 1] = f"{current[:flow].rstrip()}, {step_id}{current[flow:]}"
        return "".join(lines)
    raise SourceError(where, "cannot tell how the 'steps:' list is written",
                      f"add '- {step_id}' to the steps list by hand")
