"""Command line: parse arguments, call the library, turn its exceptions into exit codes.

Exit codes: 0 success, 1 bad input or an invalid package, 2 usage error (click's own).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from scorm_builder import __version__
from scorm_builder.errors import PackageInvalid, ScormBuilderError, SourceErrors

TARGET_NAMES = ("web", "scorm12", "scorm2004", "xapi", "cmi5")  # the keys of targets.TARGETS, kept here so
# that `--help` needs no import of the targets (tests/test_cli.py checks the two agree)


def _fail(error: ScormBuilderError) -> None:
    """Print one line per problem to stderr and exit 1, without a traceback."""
    if isinstance(error, SourceErrors):
        lines = [f"error: {e}" for e in error.errors]
    elif isinstance(error, PackageInvalid):
        lines = [f"error: {p}" for p in error.problems]
    else:
        lines = [f"error: {line}" for line in str(error).splitlines()]
    click.echo("\n".join(lines), err=True)
    sys.exit(1)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the version, and whether the caption search runs compiled (scorm_builder/native.py)."""
    if not value or ctx.resilient_parsing:
        return
    from scorm_builder import native

    click.echo(f"scorm-builder {__version__} (caption search: {native.STATUS})")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version (and how captions are cut) and exit.")
def cli() -> None:
    """Build accessible, offline e-learning packages (web, SCORM 1.2, SCORM 2004) from a course source."""


@cli.command()
@click.argument("course_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--target", "targets", multiple=True, type=click.Choice(TARGET_NAMES),
              help="Package format; repeat for several. Default: every target.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default ./dist).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (nothing is written).")
@click.option("--quiet", "-q", is_flag=True, help="No progress; only warnings and errors.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON on stdout (packages, warnings, caption figures).")
@click.option("--force", is_flag=True, help="Build even when nothing has changed since the last build.")
def build(course_dir: Path | None, targets: tuple[str, ...], out_dir: Path | None, strict: bool,
          quiet: bool, as_json: bool, force: bool) -> None:
    """Build COURSE_DIR, or every course in ./course_src when none is given.

    A build whose course files, tool, options and packages are all unchanged since the last one
    is not run again (scorm_builder/uptodate.py); --force runs it anyway.
    """
    from scorm_builder import uptodate

    chosen = list(targets) or list(TARGET_NAMES)
    out = out_dir or Path("dist")
    if course_dir is None:
        from scorm_builder.build import find_courses

        courses = find_courses(Path("course_src"))
        if not courses:
            raise click.UsageError("no COURSE_DIR given and no course folders (with course.yml) in ./course_src")
    else:
        if not course_dir.is_dir():
            raise click.BadParameter(f"'{course_dir}' is not a folder", param_hint="COURSE_DIR")
        courses = [course_dir]
    reports: list[dict[str, Any]] = []
    noted: set[str] = set()
    for course in courses:
        digest = uptodate.fingerprint(course, chosen, out, strict)
        previous = None if force or as_json else uptodate.unchanged(course, out, digest)
        if previous is not None:
            for line in previous.warnings:
                if line.startswith("note: "):
                    if line in noted:
                        continue
                    noted.add(line[len("note: "):])
                click.echo(line, err=True)
            for line in previous.lines:
                click.echo(line)
            for path in previous.packages:
                click.echo(f"up to date: {path} (nothing has changed since it was built)")
            continue
        from scorm_builder.build import build_course
        from scorm_builder.progress import terminal_progress
        from scorm_builder.report import course_report, error_report

        with terminal_progress(sys.stderr, enabled=not quiet) as progress:
            try:
                outcome = build_course(course, chosen, out, strict=strict, progress=progress)
            except ScormBuilderError as error:
                if as_json:
                    click.echo(json.dumps({"ok": False, "courses": reports, "errors": error_report(error)},
                                          indent=2))
                _fail(error)
        for warning in outcome.warnings:
            click.echo(str(warning), err=True)
        for note in outcome.notes:
            if note not in noted:                  # said once per run, however many courses
                noted.add(note)
                click.echo(f"note: {note}", err=True)
        lines = [f"captions for {step_id}: {stats.summary()}" for step_id, stats in outcome.captions.items()]
        uptodate.remember(course, out, digest, [r.path for r in outcome.results], lines,
                          [str(w) for w in outcome.warnings] + [f"note: {note}" for note in outcome.notes])
        if as_json:
            reports.append(course_report(outcome))
            continue
        for line in lines:
            click.echo(line)
        for result in outcome.results:
            click.echo(f"built {result.path} ({result.target}, {result.entries} files, "
                       f"{result.size / 1024:.0f} KB, {result.seconds:.2f} s)")
    if as_json:
        click.echo(json.dumps({"ok": True, "courses": reports, "errors": []}, indent=2))


@cli.command()
@click.argument("course_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--target", default="web", show_default=True, type=click.Choice(TARGET_NAMES),
              help="Package to preview; scorm12/scorm2004 run inside a simulated LMS, xapi/cmi5 against a "
                   "local LRS (needs scorm-builder[lrs]).")
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the default browser.")
def preview(course_dir: Path, target: str, port: int, open_browser: bool) -> None:
    """Build COURSE_DIR and serve it on 127.0.0.1 inside an LMS simulator; rebuilds when a file changes."""
    import tempfile
    import webbrowser

    from scorm_builder.preview import PortUnavailable
    from scorm_builder.preview.lrs import LrsMissing
    from scorm_builder.preview.session import preview_server

    def built(ok: bool) -> None:
        click.echo("rebuilt" if ok else "build failed (the errors are shown in the page)", err=True)

    _stop_on_terminate()
    with tempfile.TemporaryDirectory(prefix="scorm-builder-preview-") as tmp:
        try:
            with preview_server(course_dir, target, port, Path(tmp), on_build=built) as (session, server):
                state = session.state.as_json()
                for line in state["errors"]:
                    click.echo(f"error: {line}", err=True)
                for line in state["warnings"]:
                    click.echo(line, err=True)
                url = f"http://127.0.0.1:{server.server_address[1]}/"
                click.echo(f"Previewing {state['course'] or course_dir} ({target}) at {url} (Ctrl+C to stop)",
                           nl=True)
                sys.stdout.flush()
                if open_browser:
                    webbrowser.open(url)
                try:
                    # Timed waits: Python runs signal handlers only when the main thread wakes, and the
                    # kernel may hand SIGTERM or SIGINT to a serving thread, leaving an untimed wait asleep.
                    while not session.stopping.wait(0.2):
                        pass
                except KeyboardInterrupt:
                    click.echo("stopped")
        except (LrsMissing, PortUnavailable) as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
        except ScormBuilderError as error:
            _fail(error)


def _stop_on_terminate() -> None:
    """SIGTERM and SIGHUP (``kill``, an editor's stop button, a closed terminal) stop the preview as
    Ctrl+C does, so its local LRS and scratch folder go with it instead of outliving it."""
    import signal

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, interrupt)


@cli.command()
@click.argument("course_dir", type=click.Path(file_okay=False, path_type=Path))
def new(course_dir: Path) -> None:
    """Create COURSE_DIR with a course.yml and one step that builds at once; every field explained."""
    from scorm_builder.scaffold import new_course

    try:
        click.echo(str(new_course(course_dir)))
    except ScormBuilderError as error:
        _fail(error)


@cli.command(name="add-step")
@click.argument("course_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("step_id")
def add_step(course_dir: Path, step_id: str) -> None:
    """Create steps/STEP_ID in COURSE_DIR and list it last in course.yml (comments kept)."""
    from scorm_builder.scaffold import add_step as add

    try:
        click.echo(str(add(course_dir, step_id)))
    except ScormBuilderError as error:
        _fail(error)


@cli.command()
@click.argument("package", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help='Print {"ok", "package", "findings": [{"path", "line", "problem"}]} on stdout.')
def validate(package: Path, as_json: bool) -> None:
    """Check a SCORM 1.2/2004, xAPI or cmi5 package (ours or another tool's); one line per problem."""
    from scorm_builder.validate import package_findings, package_kind

    findings = package_findings(package)
    if as_json:
        click.echo(json.dumps({"ok": not findings, "package": str(package),
                               "findings": [f.as_json() for f in findings]}, indent=2))
    elif findings:
        click.echo("\n".join(str(f) for f in findings))
    else:
        click.echo(f"{package}: valid {package_kind(package)}")
    sys.exit(1 if findings else 0)


@cli.command()
@click.option("--file", "which", type=click.Choice(["course.yml", "step.yml"]), default=None,
              help="Print only this file's schema.")
def schema(which: str | None) -> None:
    """Print the JSON Schema of the course source files (for editor autocompletion)."""
    from scorm_builder.models import json_schemas

    schemas = json_schemas()
    click.echo(json.dumps(schemas[which] if which else schemas, indent=2, sort_keys=True))


@cli.group(name="import")
def import_group() -> None:
    """Turn a page from another platform into a course source folder."""


@import_group.command()
@click.argument("saved_page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Course folder to create (must not exist or be empty).")
@click.option("--media", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The step's video or audio file, copied into the course.")
def futurelearn(saved_page: Path, out_dir: Path, media: Path | None) -> None:
    """Import a FutureLearn step page saved as text (or as HTML)."""
    from scorm_builder.importers.futurelearn import import_futurelearn

    try:
        result = import_futurelearn(saved_page, out_dir, media)
    except ScormBuilderError as error:
        _fail(error)
    click.echo(str(result))


def main() -> None:
    """Console-script entry point (and ``python -m scorm_builder``).

    When the command is done the process ends at once, without tearing the interpreter down: freeing
    every object of pydantic, lxml, jinja2 and the build one by one took 45-65 ms of a 250 ms build
    (issue 12). Everything a command writes is closed or moved into place before it returns; only
    the standard streams are flushed here. An unexpected error still ends with its traceback.
    """
    try:
        cli(prog_name="scorm-builder")          # standalone mode: always ends in SystemExit
    except SystemExit as done:
        _exit_now(done.code)


def _exit_now(code: object) -> None:
    """``sys.exit(code)`` semantics (None is 0, a message goes to stderr as 1), then ``os._exit``."""
    import contextlib
    import os

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):   # a closed pipe (scorm-builder ... | head)
            stream.flush()
    os._exit(status)
