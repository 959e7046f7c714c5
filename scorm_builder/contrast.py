"""WCAG 2.x contrast for the course's own colours (``theme:`` in course.yml).

The built-in theme draws the accent colour as link text on the white page, as the fill of the
"Continue" control (with ``accent_text`` on it) and as that control's edge against the page. Each
pair must reach its WCAG minimum: 4.5:1 for text (1.4.3), 3:1 for a control's boundary (1.4.11).
A failing pair is reported with a passing alternative: the same hue made darker (or lighter) until
it passes. The dark scheme gets its own pair, derived here, so an author sets one accent only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PAGE = "#ffffff"
"""The page background of the built-in theme."""

DARK_PAGE = "#111213"
"""The page background of the built-in theme's dark scheme (``--sb-bg`` in step.css)."""

TEXT_MIN = 4.5
CONTROL_MIN = 3.0

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Failure:
    """One pair of colours under its minimum, with a passing replacement for ``key``."""

    key: str
    """The course.yml key to change (``accent`` or ``accent_text``)."""
    message: str
    hint: str


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def luminance(colour: str) -> float:
    """Relative luminance of an sRGB ``#rrggbb`` colour (WCAG 2.x definition)."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str) -> float:
    """Contrast ratio of two colours, from 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _shown(value: float) -> str:
    """A ratio as WCAG tools show it, never rounded up past a limit (4.49 is not 4.5)."""
    return f"{int(value * 100) / 100:.2f}".rstrip("0").rstrip(".")


def passing(colour: str, against: str, minimum: float) -> str:
    """The closest colour of the same hue (mixed towards black, or white) that reaches ``minimum``."""
    darker = luminance(against) > 0.18
    for target in ((0.0, 0.0, 0.0), (255.0, 255.0, 255.0)) if darker else ((255.0, 255.0, 255.0), (0.0, 0.0, 0.0)):
        base = _rgb(colour)
        for step in range(1, 101):
            t = step / 100
            mixed = _hex(tuple(c + (g - c) * t for c, g in zip(base, target, strict=True)))  # type: ignore[arg-type]
            if ratio(mixed, against) >= minimum:
                return mixed
    return "#000000" if darker else "#ffffff"


def check_colours(accent: str, accent_text: str) -> list[Failure]:
    """Every pair the built-in theme draws with these colours that is under its WCAG minimum."""
    failures = []
    on_page = ratio(accent, PAGE)
    if on_page < TEXT_MIN:
        fix = passing(accent, PAGE, TEXT_MIN)
        failures.append(Failure(
            "accent",
            f"accent {accent} on the page background {PAGE} has a contrast of {_shown(on_page)}:1; links in "
            f"this colour need {TEXT_MIN}:1 (WCAG 1.4.3) and the Continue control's edge "
            f"{CONTROL_MIN:g}:1 (WCAG 1.4.11)",
            f"use a darker accent such as {fix} ({_shown(ratio(fix, PAGE))}:1)",
        ))
    label = ratio(accent_text, accent)
    if label < TEXT_MIN:
        options = [c for c in (PAGE, "#0b0c0c") if ratio(c, accent) >= TEXT_MIN]
        hint = (f"set accent_text: '{options[0]}' ({_shown(ratio(options[0], accent))}:1)" if options
                else f"change the accent (for example {passing(accent, accent_text, TEXT_MIN)})")
        failures.append(Failure(
            "accent_text",
            f"accent_text {accent_text} on the accent {accent} (the Continue control's label) has a contrast "
            f"of {_shown(label)}:1; text needs {TEXT_MIN}:1 (WCAG 1.4.3)",
            hint,
        ))
    return failures


def dark_variant(accent: str, accent_text: str) -> tuple[str, str]:
    """The accent and its label for the dark scheme: the same hue lightened until it reads as link
    text on the dark page (4.5:1), and a label that reads on it (the author's, else the dark page colour,
    which has the same 4.5:1 against the lightened accent)."""
    dark = accent if ratio(accent, DARK_PAGE) >= TEXT_MIN else passing(accent, DARK_PAGE, TEXT_MIN)
    label = accent_text if ratio(accent_text, dark) >= TEXT_MIN else DARK_PAGE
    return dark, label


def theme_css(accent: str, accent_text: str) -> str:
    """The course's colours as custom properties, light first, then the dark scheme's variant.

    A stylesheet file rather than a ``<style>`` element: the pages' Content-Security-Policy
    (``style-src 'self'``) refuses inline styles.
    """
    dark, dark_text = dark_variant(accent, accent_text)
    return (f":root {{ --sb-accent: {accent}; --sb-accent-text: {accent_text}; --sb-visited: {accent}; }}\n"
            "@media (prefers-color-scheme: dark) {\n"
            f"  :root {{ --sb-accent: {dark}; --sb-accent-text: {dark_text}; --sb-visited: {dark}; }}\n"
            "}\n")
