"""Extract, update and compile the interface catalogues with Babel (development only, never in a build)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract as extract_from
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

from scorm_builder.i18n import DOMAIN, LOCALE_DIR, SOURCE_LANGUAGE, mo_entries
from scorm_builder.theme import builtin_theme_dir

POT = LOCALE_DIR / f"{DOMAIN}.pot"
PACKAGE_DIR = LOCALE_DIR.parent.parent
#: A fixed date keeps the generated files identical from run to run (they are committed).
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
PROJECT = "scorm-builder"


def sources() -> Iterator[tuple[str, Path, str]]:
    """(method, file, name in the catalogue) of every file whose strings the learner sees."""
    theme = builtin_theme_dir()
    for path in sorted(theme.glob("*.html")):
        yield "jinja2.ext:babel_extract", path, f"templates/{path.name}"
    for path in sorted((theme / "assets").glob("*.js")):
        yield "javascript", path, f"templates/assets/{path.name}"
    for path in sorted((PACKAGE_DIR / "runtime").glob("*.js")):
        yield "javascript", path, f"scorm_builder/runtime/{path.name}"
    for path in sorted((PACKAGE_DIR / "targets").glob("*.py")):   # names a descriptor states in the course's language
        yield "python", path, f"scorm_builder/targets/{path.name}"


def extract() -> Catalog:
    """Every marked string of the templates and scripts, as a template catalogue."""
    catalog = Catalog(project=PROJECT, version="1", creation_date=STAMP, revision_date=STAMP,
                      fuzzy=False, charset="utf-8")
    for method, path, name in sources():
        options = {"extensions": "jinja2.ext.i18n"} if method.startswith("jinja2") else {}
        with path.open("rb") as handle:
            for lineno, message, comments, context in extract_from(method, handle, keywords=KEYWORDS,
                                                                   comment_tags=("Translators:",), options=options):
                catalog.add(message, None, [(name, lineno)], auto_comments=comments, context=context)
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, include_lineno=False, sort_output=True)
    return out.getvalue()


def extract_to_file() -> str:
    """Write ``locale/messages.pot``."""
    POT.write_bytes(_po_bytes(extract()))
    return f"wrote {POT}"


def _po_files() -> list[Path]:
    return sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def update() -> list[str]:
    """Merge ``messages.pot`` into every language's ``.po`` (new strings empty, old ones kept as obsolete)."""
    template = _read(POT)
    done = []
    for path in _po_files():
        catalog = _read(path)
        catalog.update(template, no_fuzzy_matching=True)
        path.write_bytes(_po_bytes(catalog))
        done.append(f"updated {path}")
    return done


def init(language: str) -> str:
    """Start a catalogue for ``language`` from ``messages.pot`` (plural rule from Babel's locale data)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if path.exists():
        return f"{path} exists already; use update"
    template = _read(POT)
    catalog = Catalog(locale=language, project=PROJECT, version="1", creation_date=STAMP, revision_date=STAMP,
                      fuzzy=False, charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_po_bytes(catalog))
    return f"wrote {path} ({get_plural(language).plural_forms})"


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def compiled(path: Path) -> bytes:
    """The ``.mo`` of one ``.po`` (fuzzy and empty translations left out: they fall back to English)."""
    out = io.BytesIO()
    write_mo(out, _read(path))
    return out.getvalue()


def english_reference() -> bytes:
    """``en/LC_MESSAGES/messages.mo``: every message of ``messages.pot`` as its own translation.

    A build reads its keys to name the strings another catalogue lacks (no ``.pot`` parsing at build time).
    """
    template = _read(POT)
    catalog = Catalog(locale=SOURCE_LANGUAGE, project=PROJECT, version="1", creation_date=STAMP,
                      revision_date=STAMP, fuzzy=False, charset="utf-8")
    for message in template:
        if message.id:
            string = message.id if isinstance(message.id, str) else tuple(message.id)
            catalog.add(message.id, string, context=message.context)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def _targets() -> Iterator[tuple[Path, bytes]]:
    yield LOCALE_DIR / SOURCE_LANGUAGE / "LC_MESSAGES" / f"{DOMAIN}.mo", english_reference()
    for path in _po_files():
        yield path.with_suffix(".mo"), compiled(path)


def compile_all() -> list[str]:
    """Write every ``.mo`` from its ``.po`` (and the English reference from the ``.pot``)."""
    done = []
    for target, data in _targets():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        done.append(f"wrote {target}")
    return done


def message_ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    """The ids of a catalogue (a plural as its (singular, plural) pair), header left out."""
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def _comparable(mo: bytes) -> dict[bytes, bytes]:
    """A compiled catalogue's entries without the header line naming the Babel that compiled it.

    A fresh machine may install a newer Babel than the one that compiled the committed ``.mo``;
    that changes ``Generated-By`` and nothing a page shows.
    """
    entries = mo_entries(mo)
    header = entries.get(b"", b"")
    entries[b""] = b"".join(line for line in header.splitlines(keepends=True)
                            if not line.startswith(b"Generated-By:"))
    return entries


def check() -> list[str]:
    """What is out of date: the ``.pot`` against the sources, each ``.mo`` against its ``.po``."""
    problems = []
    committed = message_ids(_read(POT))
    extracted = message_ids(extract())
    for key in sorted(extracted - committed, key=str):
        problems.append(f"{POT.name}: missing {key!r} (run: python -m scorm_builder.i18n extract)")
    for key in sorted(committed - extracted, key=str):
        problems.append(f"{POT.name}: {key!r} is no longer used (run: python -m scorm_builder.i18n extract)")
    for target, data in _targets():
        if not target.is_file() or _comparable(target.read_bytes()) != _comparable(data):
            problems.append(f"{target}: differs from its source (run: python -m scorm_builder.i18n compile)")
    return problems
