"""WCAG contrast read from a live page's computed styles, for the colour-scheme and keyboard tests.

The colours are what the browser actually uses (``getComputedStyle``), the background an element
sits on is found by walking up its ancestors and compositing translucent layers, and the ratio is
WCAG 2.x's. Nothing is taken from the stylesheet's text, so a rule that does not apply is caught.
"""

from __future__ import annotations

from typing import Any

MEASURE = """(args) => {
  const [selector, part] = args;
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c || '');
    if (!m) { return null; }
    const p = m[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3])).concat([1]);
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) { break; } }
    }
    let base = parse(getComputedStyle(document.documentElement).backgroundColor) || [255, 255, 255, 1];
    if (base[3] < 1) {   // a transparent root: the canvas of the used scheme
      base = matchMedia('(prefers-color-scheme: dark)').matches ? [18, 18, 18, 1] : [255, 255, 255, 1];
    }
    for (const l of layers.reverse()) { base = over(l, base); }
    return base;
  };
  const lum = (c) => {
    const ch = c.slice(0, 3).map(v => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const el = selector === ':focus' ? document.activeElement : document.querySelector(selector);
  if (!el) { throw new Error('no element ' + selector); }
  const cs = getComputedStyle(el);
  const own = behind(el), outside = behind(el.parentElement || el);
  const round = (v) => Math.round(v * 100) / 100;
  if (part === 'text') {
    const fg = parse(cs.color);
    return {fg: cs.color, bg: own, ratio: round(ratio(over(fg, own), own)), lum: round(lum(own) * 1000) / 1000};
  }
  if (part === 'border') {
    const side = ['Left', 'Top', 'Right', 'Bottom'].find(s => parseFloat(cs['border' + s + 'Width']) > 0);
    if (!side) { throw new Error(selector + ' has no border'); }
    const edge = parse(cs['border' + side + 'Color']);
    return {edge: cs['border' + side + 'Color'], ratio: round(ratio(edge, outside))};
  }
  if (part === 'edge') {   // a coloured side (the current paragraph's bar) against the page around the box
    const edge = parse(cs.borderLeftColor);
    return {edge: cs.borderLeftColor, ratio: round(ratio(edge, outside))};
  }
  if (part === 'focus') {
    const ring = parse(cs.outlineColor);
    const width = parseFloat(cs.outlineWidth) || 0;
    const halo = parse(cs.boxShadow);
    const result = {style: cs.outlineStyle, width: width, ring: cs.outlineColor, halo: cs.boxShadow,
                    against_page: round(ratio(ring, outside))};
    if (halo) { result.against_halo = round(ratio(ring, halo)); }
    return result;
  }
  throw new Error('unknown part ' + part);
}"""


def measure(page: Any, selector: str, part: str, frame: Any = None) -> dict[str, Any]:
    """Contrast of ``part`` (text, border, edge, focus) of the element ``selector`` (``:focus``: the
    focused one), from the page's computed styles. ``frame``: measure inside this frame instead."""
    result: dict[str, Any] = (frame or page).evaluate(MEASURE, [selector, part])
    return result


def page_luminance(page: Any) -> float:
    """Relative luminance of the page background (the body's), 0 (black) to 1 (white)."""
    found: float = page.evaluate(MEASURE, ["body", "text"])["lum"]
    return found
