"""Performance benchmark of scorm-builder: every figure beside its baseline, measured in this run.

Usage: python bench/run.py [--quick] [--repeat N] [--steps 50,250,500] [--transcript-mb 1,10]
                           [--media-mb 2048 | --no-media] [--code DIR] [--align-minutes 10]

Each build runs as a subprocess of this script (``python -m scorm_builder build ...``) so that its
wall time includes interpreter start-up and imports, as a designer sees it. Peak memory is the
child's ``ru_maxrss`` (from ``os.wait4``: the largest single process, the build or one of its
workers) and, because worker processes run at the same time, the largest sum of resident memory
of the whole process tree, sampled every 10 ms. Timings are medians of ``--repeat`` runs.
``--code DIR`` measures another checkout (e.g. an older commit unpacked with ``git archive``).
Never run as a test: tests/test_perf.py only checks that ``--quick`` runs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
import page

from scorm_builder.source_limits import MAX_TEXT_BYTES

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_93bca87025a12bb7.txt"
EXAMPLE = ROOT / "course_src" / "kind-handovers"
TARGETS = ("web", "scorm12", "scorm2004", "xapi", "cmi5")
BARE = "import lxml.etree, jinja2, pydantic, click"
# The code a page carries inline (a web build: scorm_builder/inline.py), not its JSON data.
INLINE_CODE = re.compile(rb"<(script|style)>(.*?)</\1>", re.DOTALL)
# What no build can do without, before any work: the bare imports plus the course models (pydantic
# builds their validators when the classes are made; ``import pydantic`` alone defers all of that)
# and the two parsers of the source files. Shown beside the target to say how far it can be reached.
FLOOR = BARE + ", markdown_it, yaml, scorm_builder.models"
# The smallest use of pydantic there is: one model of one field. Making the class builds its
# validator, which imports the rest of pydantic (and its plugin loader, importlib.metadata): this alone
# decides whether any build that validates its sources with pydantic can come in at 1.5x.
ONE_MODEL = BARE + "\nclass One(pydantic.BaseModel):\n    x: int"
CAPTIONS_ALONE = """import sys
from pathlib import Path
from scorm_builder.captions import to_webvtt
from scorm_builder.cuepool import make_cues_each
from scorm_builder.transcript import parse_transcript
path = Path(sys.argv[1])
(cues, _), = make_cues_each([(parse_transcript(path.read_text(encoding="utf-8"), path), None)])
to_webvtt(cues, "en")
"""

# The rebuild a designer waits for while previewing: ``scorm-builder preview`` is one resident process
# that rebuilds in-process (Preview.rebuild: build, unzip, read the launch page) when a file changes.
# argv: course folder (a copy, edited here), target, scratch folder, runs, the file edited before each
# rebuild (body.md or transcript.txt of the first step: a sentence added at its end). Prints JSON: the
# first build in the fresh process, then the rebuilds after each edit (wall and CPU ms).
PREVIEW_REBUILD = """import json, os, statistics, sys, time
from pathlib import Path
from scorm_builder.preview.session import Preview
course, target, root, runs = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
body = sorted(course.glob("steps/*/" + sys.argv[5]))[0]
text = body.read_text(encoding="utf-8")
preview = Preview(course, target, root)
def timed():
    wall, cpu = time.perf_counter(), sum(os.times()[:4])   # CPU of its own children (the aligner's) too
    if not preview.rebuild():
        raise SystemExit("preview build failed: " + "; ".join(preview.state.errors))
    return (time.perf_counter() - wall) * 1000, (sum(os.times()[:4]) - cpu) * 1000
first = timed()
walls, cpus = [], []
for n in range(runs):
    body.write_text(text.rstrip() + " Edited %d times.\\n" % (n + 1), encoding="utf-8")   # a real change each time
    wall, cpu = timed()
    walls.append(wall)
    cpus.append(cpu)
print(json.dumps({"first": first, "wall": statistics.median(walls), "cpu": statistics.median(cpus),
                  "min": min(walls), "max": max(walls)}))
"""


@dataclass(frozen=True)
class Run:
    """One subprocess: wall and CPU seconds (user + system, its workers included), largest
    single-process RSS and largest process-tree RSS (MB)."""

    seconds: float
    max_rss_mb: float
    tree_rss_mb: float
    cpu: float = 0.0


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KB (0 when gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    todo += [int(child) for child in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


def run(command: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> Run:
    """Run ``command`` to completion; raise if it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            peak[0] = max(peak[0], _tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{errors.decode(errors='replace')}")
    max_rss = usage.ru_maxrss / 1024
    return Run(seconds, max_rss, max(peak[0] / 1024, max_rss), usage.ru_utime + usage.ru_stime)


def median_run(command: Sequence[str], env: dict[str, str], repeat: int, cwd: Path | None = None,
               warm_up: bool = True, before: Callable[[], None] = lambda: None) -> Run:
    """Median wall time and memory of ``repeat`` runs (after one warm-up run, not counted);
    ``before`` is called before each run, untimed."""
    if warm_up:
        before()
        run(command, env, cwd)
    runs = []
    for _ in range(repeat):
        before()
        runs.append(run(command, env, cwd))
    return Run(statistics.median(r.seconds for r in runs), statistics.median(r.max_rss_mb for r in runs),
               statistics.median(r.tree_rss_mb for r in runs), statistics.median(r.cpu for r in runs))


def machine() -> str:
    """Cores, CPU model and Python version, for the README."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0))
    return f"{cores} cores, {model}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


class Bench:
    """Holds the interpreter, environment and scratch folder shared by every section."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.python = sys.executable
        self.env = dict(os.environ)
        code = args.code.resolve() if args.code else ROOT
        self.env["PYTHONPATH"] = str(code)
        self.env.pop("SOURCE_DATE_EPOCH", None)
        self.env["SCORM_BUILDER_CACHE_DIR"] = str(work / "cache")   # compiled templates, last builds
        self.repeat = args.repeat

    def build(self, course: Path, targets: Sequence[str], repeat: int | None = None, warm_up: bool = True,
              unchanged: bool = False) -> Run:
        """A real build each run: the packages of the run before are deleted first, so the up-to-date
        check (scorm_builder/uptodate.py) finds nothing to skip; with ``unchanged``, they are kept
        and every run after the warm-up is a rebuild with nothing changed."""
        out = self.work / "dist"
        command = [self.python, "-m", "scorm_builder", "build", str(course), "--out", str(out), "--quiet"]
        for target in targets:
            command += ["--target", target]

        def clean() -> None:
            if not unchanged:
                shutil.rmtree(out, ignore_errors=True)

        return median_run(command, self.env, repeat or self.repeat, cwd=self.work, warm_up=warm_up, before=clean)

    def caption_search(self) -> str:
        """How the measured code cuts captions: compiled with mypyc (scorm_builder/native.py) or in Python."""
        done = subprocess.run([self.python, "-c", "from scorm_builder import native; print(native.STATUS)"],
                              env=self.env, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else "Python (code from before scorm_builder/native.py)"

    def startup(self) -> None:
        print("\n1. One step against starting Python and importing lxml, jinja2, pydantic, click "
              "(target: at most 1.5x)")
        bare = median_run([self.python, "-c", BARE], self.env, self.repeat)
        print(f"   {'':<52} {'wall':>7}          {'CPU':>7}")
        print(f"   {'bare: python -c ' + repr(BARE):<52} {bare.seconds * 1000:7.0f} ms        "
              f"{bare.cpu * 1000:7.0f} ms")
        floor = median_run([self.python, "-c", FLOOR], self.env, self.repeat)
        print(f"   {'floor: bare + markdown_it, yaml, the pydantic models':<52} {floor.seconds * 1000:7.0f} ms "
              f"{floor.seconds / bare.seconds:4.2f}x {floor.cpu * 1000:7.0f} ms {floor.cpu / bare.cpu:4.2f}x"
              "          (for information: no work done)")
        one = median_run([self.python, "-c", ONE_MODEL], self.env, self.repeat)
        print(f"   {'pydantic floor: bare + one model of one int field':<52} {one.seconds * 1000:7.0f} ms "
              f"{one.seconds / bare.seconds:4.2f}x {one.cpu * 1000:7.0f} ms {one.cpu / bare.cpu:4.2f}x"
              "          (for information: the least any pydantic validation costs)")
        courses = [("example course", EXAMPLE)]
        if SEED.is_file():
            seed_dir = self.work / "seed"
            subprocess.run([self.python, "-m", "scorm_builder", "import", "futurelearn", str(SEED), "--out",
                            str(seed_dir)], env=self.env, check=True, stdout=subprocess.DEVNULL)
            courses.append(("imported seed", seed_dir))
        else:
            print(f"   (seed {SEED} not found: skipped)")
        for label, course in courses:
            for targets, unchanged in ((["scorm12"], True), (["scorm12"], False), (["web"], True), (["web"], False),
                                       (list(TARGETS), False)):
                name = "all 5 targets" if len(targets) > 1 else targets[0]
                name += ", unchanged (skipped)" if unchanged else ", built"
                figure = self.build(course, targets, unchanged=unchanged)
                ratio = figure.seconds / bare.seconds
                cpu_ratio = figure.cpu / bare.cpu
                aim = f"{verdict(ratio <= 1.5)}" if len(targets) == 1 else "(for information)"
                print(f"   {label + ', ' + name:<52} {figure.seconds * 1000:7.0f} ms {ratio:4.2f}x "
                      f"{figure.cpu * 1000:7.0f} ms {cpu_ratio:4.2f}x {figure.max_rss_mb:4.0f} MB  {aim}")
            for target, edited in (("scorm12", "body.md"), ("web", "body.md"), ("scorm12", "transcript.txt")):
                self.preview_rebuild(label, course, target, edited, bare)

    def preview_rebuild(self, label: str, course: Path, target: str, edited: str, bare: Run) -> None:
        """The rebuild inside ``scorm-builder preview`` (one resident process) after an edit of ``edited``:
        median of ``repeat`` x 4 rebuilds (a transcript: ``repeat``, as each may align the audio again)
        timed in-process after the first build, beside the bare imports."""
        copy = self.work / "preview-course"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(course, copy)
        root = self.work / "preview-root"
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir()
        runs = self.repeat if edited == "transcript.txt" else max(4, self.repeat * 4)
        done = subprocess.run([self.python, "-c", PREVIEW_REBUILD, str(copy), target, str(root), str(runs), edited],
                              env=self.env, capture_output=True, text=True)
        name = f"{label}, {target}, preview, {edited} edited"
        if done.returncode != 0:
            print(f"   {name:<52} not measured: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
            return
        figure = json.loads(done.stdout)
        wall, cpu = figure["wall"] / 1000, figure["cpu"] / 1000
        print(f"   {name:<52} {wall * 1000:7.0f} ms {wall / bare.seconds:4.2f}x {cpu * 1000:7.0f} ms "
              f"{cpu / bare.cpu:4.2f}x          {verdict(wall <= 1.5 * bare.seconds)} (after an edit; first "
              f"build in that process {figure['first'][0]:.0f} ms; range {figure['min']:.0f}-{figure['max']:.0f} ms)")
        shutil.rmtree(copy)
        shutil.rmtree(root)

    def courses(self) -> None:
        print("\n2. Generated courses, 13-minute transcript a step, --target scorm12 "
              "(target: linear; 500 steps < 10 s, < 300 MB)")
        sizes = [int(s) for s in self.args.steps.split(",")]
        per_step: list[float] = []
        for size in sizes:
            course = generate.course(self.work / f"course-{size}", f"bench-{size}", size)
            figure = self.build(course, ["scorm12"], repeat=max(1, min(self.repeat, 3)), warm_up=False)
            per_step.append(figure.seconds / size * 1000)
            aim = ""
            if size == 500:
                aim = verdict(figure.seconds < 10 and figure.tree_rss_mb < 300)
            print(f"   {size:4d} steps: {figure.seconds:6.2f} s ({per_step[-1]:5.1f} ms a step, "
                  f"CPU {figure.cpu:6.2f} s), "
                  f"peak {figure.max_rss_mb:5.0f} MB largest process, "
                  f"{figure.tree_rss_mb:5.0f} MB all processes  {aim}")
            shutil.rmtree(course)
        if len(per_step) > 1:
            growth = per_step[-1] / per_step[0]
            print(f"   time a step, largest against smallest course: {growth:.2f}x "
                  f"({verdict(growth <= 1.25)}: linear means about 1x)")

    def transcripts(self) -> None:
        print("\n3. One step with a long transcript, --target web (target: < 1 s per MB, memory bounded)")
        for size in [float(s) for s in self.args.transcript_mb.split(",")]:
            chars = int(size * 1_000_000)
            course = generate.course(self.work / f"long-{size}", "bench-long", 1, chars=chars)
            transcript = course / "steps" / "step-0001" / "transcript.txt"
            actual = transcript.stat().st_size / 1_000_000
            if transcript.stat().st_size > MAX_TEXT_BYTES:
                # Issue 11: a source text over the limit is refused at its own file:line, quickly.
                started = time.perf_counter()
                refused = subprocess.run([sys.executable, "-m", "scorm_builder", "build", str(course), "--target",
                                          "web", "--out", str(self.work / "refused"), "--quiet"], env=self.env,
                                         capture_output=True, text=True)
                print(f"   {actual:5.2f} MB transcript: refused at the source in "
                      f"{time.perf_counter() - started:5.2f} s (exit {refused.returncode}; the limit is "
                      f"{MAX_TEXT_BYTES:,} bytes a text file)")
                # What the limit spares: the captions alone, through the library (which has no limit)
                alone = run([self.python, "-c", CAPTIONS_ALONE, str(transcript)], self.env, self.work)
                print(f"   {actual:5.2f} MB transcript, its captions alone (library call, both cores): "
                      f"{alone.seconds:6.2f} s ({alone.seconds / actual:4.2f} s per MB, CPU {alone.cpu:6.2f} s), "
                      f"peak {alone.max_rss_mb:5.0f} MB largest process, {alone.tree_rss_mb:5.0f} MB all processes")
                shutil.rmtree(course)
                continue
            figure = self.build(course, ["web"], repeat=max(1, min(self.repeat, 3)), warm_up=False)
            per_mb = figure.seconds / actual
            print(f"   {actual:5.2f} MB transcript: {figure.seconds:6.2f} s ({per_mb:4.2f} s per MB, "
                  f"CPU {figure.cpu:6.2f} s), "
                  f"peak {figure.max_rss_mb:5.0f} MB ({figure.max_rss_mb / actual:5.0f} MB per MB)  "
                  f"{verdict(per_mb < 1)}")
            shutil.rmtree(course)

    def media(self) -> None:
        size_mb = self.args.media_mb
        print(f"\n4. Packaging a {size_mb} MB video (--target web) against cp of the same file "
              "(target: at most 1.5x cp, < 100 MB)")
        free = shutil.disk_usage(self.work).free / 2**20
        if free < size_mb * 3 + 500:
            print(f"   skipped: {free:.0f} MB free in {self.work}, need {size_mb * 3 + 500} MB "
                  "(use --media-mb with a smaller size)")
            return
        course = generate.course(self.work / "media-course", "bench-media", 1, minutes=2)
        step = course / "steps" / "step-0001"
        video = step / "media" / "big.mp4"
        video.parent.mkdir(parents=True, exist_ok=True)
        header = (EXAMPLE / "steps" / "handover-conversation" / "media" / "handover-conversation.mp4").read_bytes()
        total = size_mb * 2**20
        padding = total - len(header)
        with video.open("wb") as handle:                 # the example video plus one big 'free' box
            handle.write(header)
            handle.write((1).to_bytes(4, "big") + b"free" + padding.to_bytes(8, "big"))
            handle.truncate(total + 16)                  # sparse: quick to make, read back as zeros
        # packaging is measured, not the forced aligner (issue 13), which would time the captions first
        generate.step_source(step, "Big video", generate.transcript(120), 110.0, "media/big.mp4", align=False)
        copy = self.work / "copy.mp4"
        out = self.work / "dist"
        build = [self.python, "-m", "scorm_builder", "build", str(course), "--out", str(out), "--quiet",
                 "--target", "web"]
        copies, builds = [], []
        for _ in range(max(1, min(self.repeat, 3))):
            # alternate, each after a sync: neither pays for the other's write-back of 2 GB
            os.sync()
            copies.append(run(["cp", "--sparse=never", str(video), str(copy)], self.env))
            copy.unlink()
            shutil.rmtree(out, ignore_errors=True)       # a new zip each time, as cp writes a new file
            os.sync()
            builds.append(run(build, self.env, self.work))
        cp = Run(statistics.median(r.seconds for r in copies), 0, 0)
        figure = Run(statistics.median(r.seconds for r in builds), statistics.median(r.max_rss_mb for r in builds),
                     statistics.median(r.tree_rss_mb for r in builds))
        ratio = figure.seconds / cp.seconds
        print(f"   cp --sparse=never: {cp.seconds:6.2f} s (medians, runs alternated, each after a sync)")
        print(f"   build: {figure.seconds:6.2f} s ({ratio:4.2f}x cp), peak {figure.tree_rss_mb:5.0f} MB  "
              f"{verdict(ratio <= 1.5 and figure.tree_rss_mb < 100)}")
        with zipfile.ZipFile(self.work / "dist" / "bench-media-web.zip") as archive:
            info = archive.getinfo("media/step-0001/big.mp4")
            stored = info.compress_type == zipfile.ZIP_STORED and info.compress_size == info.file_size
        print(f"   the video is stored, not recompressed: {verdict(stored)}")
        shutil.rmtree(course)
        shutil.rmtree(self.work / "dist")

    def overhead(self) -> None:
        print("\n5. Package overhead per target, example course (targets: zip minus media and schema files "
              "< 60 KB; the page's own JS + CSS gzipped < 25 KB)")
        out = self.work / "dist-overhead"
        subprocess.run([self.python, "-m", "scorm_builder", "build", str(EXAMPLE), "--out", str(out), "--quiet"],
                       env=self.env, check=True, stdout=subprocess.DEVNULL, cwd=self.work)
        for target in TARGETS:
            path = out / f"kind-handovers-{target}.zip"
            with zipfile.ZipFile(path) as archive:
                infos = archive.infolist()
                media = sum(i.compress_size for i in infos if i.filename.startswith("media/"))
                schemas = sum(i.compress_size for i in infos if i.filename.endswith((".xsd", ".dtd")))
                own = b"".join(archive.read(i) for i in infos
                               if i.filename.startswith("assets/") and i.filename.endswith((".js", ".css")))
                inline = {found.group(2) for i in infos if i.filename.endswith(".html")  # a web build's
                          for found in INLINE_CODE.finditer(archive.read(i))}          # pages carry theirs
                own += b"".join(sorted(inline))
            overhead = (path.stat().st_size - media - schemas) / 1024
            page = len(gzip.compress(own, 9, mtime=0)) / 1024
            print(f"   {target:<10} overhead {overhead:5.1f} KB {verdict(overhead < 60):<8}  "
                  f"JS+CSS gzipped {page:5.1f} KB {verdict(page < 25)}")

    def browser(self) -> None:
        print("\n6. The example's step page in headless Chromium from file:// against a blank page with five "
              "buttons (target: at most 2x), and the LMS commits of one learner session (target: at most one "
              "per learner action, plus the finish)")
        loads = max(5, self.repeat * 8)  # 40 by default; at 10 loads the medians' ratio swung 1.44-2.28x between runs
        measured = page.page_load(EXAMPLE, self.work, loads, self.env)
        step, blank, floor = measured.step, measured.blank, measured.blank_script
        for label, mine, base, paired in (
                ("DOMContentLoaded", step.dom_content_loaded, blank.dom_content_loaded, measured.paired[0]),
                ("interactive (every seek button in place)", step.interactive, blank.interactive, measured.paired[1])):
            ratio = mine / base
            print(f"   {label:<42} step {mine:6.1f} ms, blank {base:6.1f} ms: {ratio:4.2f}x  {verdict(ratio <= 2)}"
                  f"  (load by load: median {paired:4.2f}x)")
        print(f"   {'first contentful paint (for information)':<42} step {step.first_paint:6.1f} ms, "
              f"blank {blank.first_paint:6.1f} ms: {step.first_paint / blank.first_paint:4.2f}x")
        print(f"   {'blank page + one empty deferred script':<42} DOMContentLoaded {floor.dom_content_loaded:6.1f} ms: "
              f"{floor.dom_content_loaded / blank.dom_content_loaded:4.2f}x the blank page (for information: the "
              "floor of any page script)")
        print(f"   (medians of {loads} loads each, alternated in one browser run after one warm-up each)")
        for target in ("scorm12", "scorm2004"):
            session = page.lms_session(EXAMPLE, target, self.work, self.env)
            actions = len(session.commits) - 1                  # the last is the finish
            total = sum(n for _, n in session.commits)
            steps = ", ".join(f"{name} {n}" for name, n in session.commits)
            print(f"   {target:<10} commits per action: {steps}; finish calls {session.finishes}: "
                  f"{total} commits for {actions} actions and the finish  {verdict(total <= actions + 1)}")


def compile_bytecode(code: Path) -> str:
    """Write the ``.pyc`` files of the measured package, so runs import it as an installed copy does."""
    import compileall

    package = code / "scorm_builder"
    ok = compileall.compile_dir(str(package), quiet=1)
    count = sum(1 for _ in package.rglob("__pycache__/*.pyc"))
    return f"{count} modules compiled under {package}" if ok else f"compiling {package} failed"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run each (a smoke test)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the median is shown")
    parser.add_argument("--steps", default="50,250,500", help="generated course sizes (steps)")
    parser.add_argument("--transcript-mb", default="1,10", help="long transcript sizes (MB)")
    parser.add_argument("--media-mb", type=int, default=2048, help="size of the video to package (MB)")
    parser.add_argument("--no-media", action="store_true", help="skip the big video")
    parser.add_argument("--only", default="1,2,3,4,5,6,7", help="sections to run, e.g. 2,3")
    parser.add_argument("--align-minutes", type=float, default=10.0, help="minutes of speech to align (section 7)")
    parser.add_argument("--code", type=Path, default=None, help="measure this checkout instead of this one")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.steps, args.transcript_mb, args.media_mb = 1, "2,4", "0.02", 8
        args.align_minutes = 0.5
    print(f"scorm-builder benchmark on {machine()}")
    print(f"code: {args.code or ROOT}; medians of {args.repeat} runs after one warm-up run (sections 1, 5), "
          f"of {max(1, min(args.repeat, 3))} runs (sections 2-4)")
    sections = set(args.only.split(","))
    compiled = compile_bytecode(args.code.resolve() if args.code else ROOT)
    print(f"bytecode: {compiled} (as pip does when it installs the wheel; without it every run compiles "
          "the package's modules again, e.g. under PYTHONDONTWRITEBYTECODE=1)")
    with tempfile.TemporaryDirectory(prefix="scorm-bench-") as tmp:
        bench = Bench(args, Path(tmp))
        print(f"caption search: {bench.caption_search()}")
        if "1" in sections:
            bench.startup()
        if "2" in sections:
            bench.courses()
        if "3" in sections:
            bench.transcripts()
        if "4" in sections and not args.no_media:
            bench.media()
        if "5" in sections:
            bench.overhead()
        if "6" in sections:
            bench.browser()
        # --- section 7: forced alignment of captions (issue 13), all of it in bench/align_bench.py ---
        if "7" in sections:
            from align_bench import alignment

            alignment(Path(tmp), args.align_minutes)


if __name__ == "__main__":
    main()
