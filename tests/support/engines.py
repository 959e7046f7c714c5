"""Two independent accessibility engines run inside a page or a frame: axe-core and HTML_CodeSniffer.

Both come from node_modules (package.json pins them; ``npm ci`` installs them). Their scripts are
evaluated through the DevTools protocol (``evaluate``), not added as ``<script>`` elements: the
packages' Content-Security-Policy refuses inline scripts, and the protocol is not governed by it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HTMLCS = ROOT / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
HTMLCS_STANDARD = "WCAG2AA"

def _inject(target: Any, script: Path, probe: str) -> None:
    if not script.exists():
        pytest.skip(f"{script.relative_to(ROOT)} is not installed (npm ci)")
    if not target.evaluate(probe):
        target.evaluate(script.read_text("utf-8"))


def run_axe(target: Any) -> list[dict[str, Any]]:
    """axe-core's violations (WCAG 2.0/2.1/2.2 A and AA tags) in ``target`` (a Page or a Frame)."""
    _inject(target, AXE, "typeof window.axe !== 'undefined'")
    result = target.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


HTMLCS_RUN = """standard => new Promise((resolve, reject) => {
  const describe = el => {
    if (!el || !el.tagName) { return el && el.nodeName ? el.nodeName.toLowerCase() : ''; }
    const id = el.id ? '#' + el.id : '';
    const names = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
    const cls = names.map(n => '.' + n).join('');
    return el.tagName.toLowerCase() + id + cls;
  };
  HTMLCS.process(standard, document, () => {
    resolve(HTMLCS.getMessages()
      .filter(m => !(m.element && m.element.closest && m.element.closest('#HTMLCS-wrapper')))
      .map(m => ({type: m.type, code: m.code, msg: m.msg, element: describe(m.element)})));
  }, () => reject(new Error('HTML_CodeSniffer failed to run')), 'en');
})"""


def run_htmlcs(target: Any) -> dict[str, list[dict[str, Any]]]:
    """HTML_CodeSniffer's WCAG2AA messages in ``target``, split into errors, warnings and notices."""
    _inject(target, HTMLCS, "typeof window.HTMLCS !== 'undefined'")
    messages = target.evaluate(HTMLCS_RUN, HTMLCS_STANDARD)
    out: dict[str, list[dict[str, Any]]] = {"errors": [], "warnings": [], "notices": []}
    for m in messages:  # nothing is filtered: no error of ours has needed a false-positive exception
        out[{1: "errors", 2: "warnings", 3: "notices"}[m["type"]]].append(m)
    return out


def check_both(target: Any, label: str) -> dict[str, int]:
    """Run both engines; fail on any axe violation or HTML_CodeSniffer error. Returns the counts."""
    axe = run_axe(target)
    htmlcs = run_htmlcs(target)
    counts = {"axe_violations": len(axe), "htmlcs_errors": len(htmlcs["errors"]),
              "htmlcs_warnings": len(htmlcs["warnings"]), "htmlcs_notices": len(htmlcs["notices"])}
    # warnings and notices are "check this by hand" prompts, not failures: shown with -s / on failure
    print(f"[a11y] {label}: {json.dumps(counts)}")
    assert axe == [], f"axe violations ({label}):\n{json.dumps(axe, indent=1)}"
    errors = [{k: m[k] for k in ("code", "element", "msg")} for m in htmlcs["errors"]]
    assert errors == [], f"HTML_CodeSniffer errors ({label}):\n{json.dumps(errors, indent=1)}"
    return counts
