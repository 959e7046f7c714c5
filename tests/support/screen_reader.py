"""A virtual screen reader (npm ``@guidepup/virtual-screen-reader``) run inside a page or a frame.

The package ships an ES module for browsers; esbuild (pinned in package.json) turns it, once per test module,
into a classic script that sets ``window.GuidepupVSR``, because the packages' Content-Security-Policy
(``script-src 'self'``) refuses inline scripts and module imports from elsewhere. That script is
evaluated through the DevTools protocol (``evaluate``), which the policy does not govern, exactly as
tests/support/engines.py does for axe-core: no ``bypass_csp``, and the page runs under its real policy.

The reader walks the accessibility tree it computes from the live DOM (accessible names per ACCNAME,
roles per HTML-AAM) and records what it would say; while it runs, it also records what aria-live
regions (``role="status"``, ``role="alert"``, ``aria-live``) announce, as ``"polite: ..."`` and
``"assertive: ..."`` phrases.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGE = ROOT / "node_modules" / "@guidepup" / "virtual-screen-reader"
ENTRY = PACKAGE / "lib" / "esm" / "index.browser.js"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
GLOBAL = "GuidepupVSR"
LIVE_PREFIXES = ("polite: ", "assertive: ")
MAX_STEPS = 5000   # a walk longer than this is a loop, not a page


def bundle(out_dir: Path) -> str:
    """The reader as one classic script (esbuild, IIFE). Fails, not skips, when it is not installed:
    the README's test command (``npm ci``) always installs it, so a missing reader is a setup error."""
    if not ENTRY.exists() or not ESBUILD.exists():
        pytest.fail("@guidepup/virtual-screen-reader or esbuild is missing from node_modules: run npm ci "
                    "(bash scripts/test.sh does)")
    out = out_dir / "virtual-screen-reader.js"
    subprocess.run([str(ESBUILD), str(ENTRY), "--bundle", "--format=iife", f"--global-name={GLOBAL}",
                    "--platform=browser", "--log-level=warning", f"--outfile={out}"],
                   check=True, capture_output=True, cwd=ROOT)
    return out.read_text("utf-8") + f"\nwindow.{GLOBAL} = {GLOBAL};\n"


def inject(target: Any, script: str) -> None:
    """Load the reader into ``target`` (a Page or a Frame) unless it is there already."""
    if not target.evaluate(f"typeof window.{GLOBAL} !== 'undefined'"):
        target.evaluate(script)


def start(target: Any, script: str) -> None:
    """Start the reader on the whole body of ``target``; live announcements are recorded from now on."""
    inject(target, script)
    target.evaluate(f"() => window.{GLOBAL}.virtual.start({{container: document.body}})")


def stop(target: Any) -> None:
    target.evaluate(f"() => window.{GLOBAL}.virtual.stop()")


def walk(target: Any, script: str) -> list[str]:
    """Start the reader and move it item by item ("next", as a screen reader's down arrow in browse
    mode) from the top to "end of document"; return every phrase it spoke, in order."""
    start(target, script)
    phrases: list[str] = target.evaluate(
        """async ([name, limit]) => {
          const v = window[name].virtual;
          for (let i = 0; i < limit && (await v.lastSpokenPhrase()) !== 'end of document'; i++) {
            await v.next();
          }
          return await v.spokenPhraseLog();
        }""",
        [GLOBAL, MAX_STEPS],
    )
    stop(target)
    assert phrases and phrases[-1] == "end of document", f"the walk did not reach the end: {phrases[-5:]}"
    return phrases


def log(target: Any) -> list[str]:
    """Everything the running reader has said so far."""
    return list(target.evaluate(f"() => window.{GLOBAL}.virtual.spokenPhraseLog()"))


def clear(target: Any) -> None:
    target.evaluate(f"() => window.{GLOBAL}.virtual.clearSpokenPhraseLog()")


def live(phrases: list[str]) -> list[str]:
    """The live-region announcements among ``phrases``."""
    return [p for p in phrases if p.startswith(LIVE_PREFIXES)]
