"""Screenshots of the default theme at 320, 768 and 1280 px, compared with reviewed baselines.

The baselines are ``tests/snapshots/<name>.png`` (the example step ``kind-handovers``, whole page,
the video masked because its first frame and loading state vary). After a deliberate change to the
look, review the new pictures and update them with::

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_snapshots.py

The comparison runs in Chromium (no image library needed) and tolerates font rasterisation noise: a
pixel counts as changed when a channel differs by more than 48 of 255, and the test fails when more
than 0.5% of the pixels changed or the page size changed. A failing run writes the new picture next to
the baseline as ``<name>.actual.png``.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import EXAMPLE, unzipped_web_build

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "snapshots"
CHANNEL_TOLERANCE = 48
CHANGED_PIXELS = 0.005
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"

COMPARE = """async ([a, b, tol]) => {
  const load = async (b64) => { const img = new Image(); img.src = 'data:image/png;base64,' + b64; await img.decode();
    const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
    const x = c.getContext('2d'); x.drawImage(img, 0, 0); return {w: img.width, h: img.height,
    d: x.getImageData(0, 0, img.width, img.height).data}; };
  const p = await load(a), q = await load(b);
  if (p.w !== q.w || p.h !== q.h) { return {size: [p.w, p.h, q.w, q.h], changed: 1}; }
  let n = 0;
  for (let i = 0; i < p.d.length; i += 4) {
    if (Math.abs(p.d[i] - q.d[i]) > tol || Math.abs(p.d[i + 1] - q.d[i + 1]) > tol
        || Math.abs(p.d[i + 2] - q.d[i + 2]) > tol) { n++; }
  }
  return {size: null, changed: n / (p.w * p.h)};
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unzipped_web_build(EXAMPLE, tmp_path_factory.mktemp("snap"))


def shoot(browser: Any, url: str, width: int) -> bytes:
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=1,
                                  reduced_motion="reduce")
    page = context.new_page()
    try:
        page.goto(url)
        page.wait_for_function("document.getElementById('sb-media').readyState >= 1")
        page.wait_for_function("!document.querySelector('.sb-tools').hidden")
        page.evaluate("document.fonts.ready")
        shot: bytes = page.screenshot(full_page=True, animations="disabled", caret="hide",
                                      mask=[page.locator("#sb-media")], mask_color="#808080")
        return shot
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 768, 1280])
def test_default_theme_matches_the_reviewed_baseline(browser: Any, page: Any, site: Path, width: int) -> None:
    name = f"step-{width}"
    baseline = SNAPSHOTS / f"{name}.png"
    actual = shoot(browser, (site / "index.html").as_uri(), width)
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        baseline.write_bytes(actual)
        return
    assert baseline.is_file(), f"no baseline {baseline}: review the page, then run with UPDATE_SNAPSHOTS=1"
    result = page.evaluate(COMPARE, [base64.b64encode(baseline.read_bytes()).decode(),
                                     base64.b64encode(actual).decode(), CHANNEL_TOLERANCE])
    if result["size"] or result["changed"] > CHANGED_PIXELS:
        (SNAPSHOTS / f"{name}.actual.png").write_bytes(actual)
    assert result["size"] is None, f"{name}: page size changed {result['size']} (see {name}.actual.png)"
    assert result["changed"] <= CHANGED_PIXELS, (
        f"{name}: {result['changed']:.2%} of the pixels changed (see tests/snapshots/{name}.actual.png; "
        "if the change is intended, review it and run with UPDATE_SNAPSHOTS=1)")
