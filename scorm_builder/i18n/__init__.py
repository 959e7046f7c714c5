"""The interface in the course's language: gettext catalogues chosen by ``course.yml``'s ``language``.

The ``.po`` files under ``locale/`` are the source of truth; the compiled ``.mo`` beside each is what a
build reads, through the standard library's ``gettext`` (no Babel import for a build: start-up stays
small). Babel is imported only to format a number for a language other than English, and as the
developer tool that extracts and compiles the catalogues (``python -m scorm_builder.i18n``).
"""

from __future__ import annotations

import gettext
import json
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

from scorm_builder.errors import Diagnostic, Location

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
#: Scripts written right to left (by primary language subtag).
RTL_LANGUAGES = frozenset({"ar", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi"})
#: Plural forms are sent to the page for n below this; above it, n % 100 + 100 picks the same form
#: for every rule gettext's Plural-Forms use (they read n, n % 10 and n % 100).
PLURAL_TABLE = 200
_JS_CALL = re.compile(r"\b(?:_|N_|ngettext)\(\s*(\"(?:[^\"\\\n]|\\.)*\")\s*(?:,\s*(\"(?:[^\"\\\n]|\\.)*\"))?")


def shipped_languages(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """Languages with a compiled catalogue, plus the source language (English), sorted."""
    found = {p.parent.parent.name for p in locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return sorted(found | {SOURCE_LANGUAGE})


def mo_entries(data: bytes) -> dict[bytes, bytes]:
    """Every (message id -> translation) pair of a compiled catalogue, raw (plural forms NUL-joined)."""
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    count, ids_at, strs_at = struct.unpack(order + "3I", data[8:20])
    out: dict[bytes, bytes] = {}
    for i in range(count):
        id_len, id_off = struct.unpack(order + "2I", data[ids_at + 8 * i: ids_at + 8 * i + 8])
        str_len, str_off = struct.unpack(order + "2I", data[strs_at + 8 * i: strs_at + 8 * i + 8])
        out[data[id_off: id_off + id_len]] = data[str_off: str_off + str_len]
    return out


def mo_keys(path: Path) -> dict[str, bool]:
    """Message ids (the singular of a plural) of a compiled catalogue -> translated (non-empty)."""
    out: dict[str, bool] = {}
    for raw_id, raw_str in mo_entries(path.read_bytes()).items():
        key = raw_id.split(b"\0")[0]
        if key and b"\x04" not in key:
            out[key.decode("utf-8")] = all(raw_str.split(b"\0"))
    return out


@dataclass(frozen=True)
class Interface:
    """The catalogue a build uses, the page direction, and what fell back to English."""

    language: str
    """The course's tag as written (``ar-EG``)."""
    catalogue: str
    """The catalogue chosen (``ar``), or ``en`` when the interface is in English."""
    translations: gettext.NullTranslations
    warnings: tuple[Diagnostic, ...] = ()
    plural_table: tuple[int, ...] = field(default=(), repr=False)
    """The catalogue's plural form index of each n below ``PLURAL_TABLE`` (its Plural-Forms rule)."""

    @property
    def direction(self) -> str:
        """``rtl`` when the course's language is written right to left: the page's content is, even when
        its interface fell back to English (the page's ``lang`` is the course's too)."""
        return "rtl" if _primary(self.language) in RTL_LANGUAGES else "ltr"

    @property
    def english(self) -> bool:
        return self.catalogue == SOURCE_LANGUAGE

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def number(self, n: int) -> str:
        """``n`` with the catalogue locale's digits and grouping (``4,000``, ``4 000``), as the page's
        script writes it (``toLocaleString`` with the same locale)."""
        if self.english:
            return f"{n:,}"
        from babel.core import UnknownLocaleError
        from babel.numbers import format_decimal  # only a non-English build pays for Babel

        try:
            return str(format_decimal(n, locale=self.catalogue))
        except (UnknownLocaleError, ValueError):   # a course's own catalogue for a locale Babel lacks
            return f"{n:,}"

    def percent(self, n: int) -> str:
        """``n`` per cent, written as the locale writes it (``75%``, ``75 %``)."""
        if self.english:
            return f"{n}%"
        from babel.core import UnknownLocaleError
        from babel.numbers import format_percent

        try:
            return str(format_percent(n / 100, locale=self.catalogue))
        except (UnknownLocaleError, ValueError):
            return f"{n}%"

    def page_messages(self, scripts: list[str]) -> dict[str, object] | None:
        """What the page scripts need of the catalogue: every string they mark, translated.

        ``scripts`` are the sources of the JavaScript the package ships. English pages need nothing:
        the scripts' own strings are the English text.
        """
        if self.english:
            return None
        messages: dict[str, str] = {}
        plurals: dict[str, list[str]] = {}
        table = list(self.plural_table)
        # one n for each form index (0, 1, 2 ...): the form the page shows for every n with that index
        samples = [table.index(form) if form in table else 1 for form in range(max(table, default=1) + 1)]
        for source in scripts:
            for match in _JS_CALL.finditer(source):
                singular = json.loads(match.group(1))
                if match.group(2):
                    other = json.loads(match.group(2))
                    plurals[singular] = [self.ngettext(singular, other, n) for n in samples]
                else:
                    messages[singular] = self.gettext(singular)
        return {"locale": self.catalogue.replace("_", "-"), "dir": self.direction,
                "messages": dict(sorted(messages.items())), "plurals": dict(sorted(plurals.items())),
                "pluralTable": table}


def _primary(tag: str) -> str:
    return tag.replace("_", "-").split("-")[0].lower()


def _candidates(tag: str) -> list[str]:
    """``zh-Hant-TW`` -> ``zh_Hant_TW``, ``zh_Hant``, ``zh``: the most specific catalogue first."""
    parts = tag.replace("_", "-").split("-")
    out = []
    for end in range(len(parts), 0, -1):
        head = [parts[0].lower(), *parts[1:end]]
        out.append("_".join(head))
    return out


def _find(tag: str, dirs: list[Path]) -> tuple[str, Path] | None:
    for name in _candidates(tag):
        for directory in dirs:
            path = directory / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if path.is_file():
                return name, path
    return None


def load_interface(language: str, where: Location, course_locale: Path | None = None) -> Interface:
    """The catalogue for ``language`` (course's own ``templates/locale`` first, then the built-in one).

    A language without a catalogue builds in English, and a catalogue that lacks some strings shows
    those in English; either way one warning at ``where`` (the ``language`` line) says so.
    """
    dirs = [d for d in (course_locale, LOCALE_DIR) if d is not None and d.is_dir()]
    found = _find(language, dirs) if _primary(language) != SOURCE_LANGUAGE else None
    if found is None:
        warnings: tuple[Diagnostic, ...] = ()
        if _primary(language) != SOURCE_LANGUAGE:
            shipped = ", ".join(shipped_languages())
            warnings = (Diagnostic(where, f"no interface catalogue for language '{language}': the buttons, "
                                   f"headings and messages are in English (catalogues shipped: {shipped}; "
                                   "docs: 'Adding a language' in the README)"),)
        return Interface(language, SOURCE_LANGUAGE, gettext.NullTranslations(), warnings)
    name, path = found
    with path.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    keys = mo_keys(path)
    reference = LOCALE_DIR / "en" / "LC_MESSAGES" / f"{DOMAIN}.mo"
    missing = sorted(k for k in mo_keys(reference) if not keys.get(k)) if reference.is_file() else []
    warnings = ()
    if missing:
        listed = "; ".join(repr(k) for k in missing)
        warnings = (Diagnostic(where, f"the '{name}' catalogue ({path}) has no translation for "
                               f"{len(missing)} interface string{'s' if len(missing) != 1 else ''}, shown in "
                               f"English: {listed}"),)
    table = tuple(_plural_index(translations, n) for n in range(PLURAL_TABLE))
    return Interface(language, name, translations, warnings, table)


def _plural_index(translations: gettext.GNUTranslations, n: int) -> int:
    plural = getattr(translations, "plural", None)
    return int(plural(n)) if callable(plural) else int(n != 1)
