"""The corpus of hostile packages in ``tests/fixtures/hostile/``: one small zip per attack, named after it.

Each package is a valid one (an xAPI TinCan package, or SCORM 1.2 / 2004 where the attack is about
them) with exactly one thing made hostile, so ``validate`` must report exactly the attack. The zips
are committed so an administrator can try them by hand (``scorm-builder validate FILE``); this module
is how they were made, and ``tests/test_hostile_packages.py`` checks that it still makes the same bytes.

Regenerate with ``.venv/bin/python -m tests.support.hostile``.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

from scorm_builder.targets.scorm12_manifest import ManifestItem, ManifestSpec, build_manifest, control_files
from scorm_builder.targets.xapi_manifests import TYPE_COURSE, Activity, CourseSpec, build_tincan_xml

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "hostile"
DATE = (2020, 1, 1, 0, 0, 0)
PAGE = b"<!doctype html><html lang=en><title>Step</title><p>Hello.</p></html>\n"

Entry = tuple[str | zipfile.ZipInfo, bytes]

TINCAN = build_tincan_xml(CourseSpec(
    course=Activity("https://learning.example.org/courses/hostile", TYPE_COURSE, "Hostile", "A test."),
    language="en-GB", launch="index.html", steps=()))


def _info(name: str, *, mode: int = 0o100644, method: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, DATE)
    info.external_attr = mode << 16
    info.compress_type = method
    info.create_system = 3  # Unix, so the mode bits (a symlink) are read as such
    return info


def _zip(entries: list[Entry]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name" is the point of one attack
        with zipfile.ZipFile(out, "w") as zf:
            for name, data in entries:
                zf.writestr(_info(name) if isinstance(name, str) else name, data)
    return out.getvalue()


def xapi(*extra: Entry, page: bytes = PAGE) -> bytes:
    """A valid TinCan package (tincan.xml, index.html) plus ``extra`` entries."""
    return _zip([("tincan.xml", TINCAN), ("index.html", page), *extra])


def scorm12(page: bytes) -> bytes:
    """A valid SCORM 1.2 package whose one page is ``page``."""
    spec = ManifestSpec(identifier="hostile", title="Hostile", language="en-GB", description="A test.",
                        items=(ManifestItem(identifier="step", title="Step", href="index.html",
                                            files=("index.html",)),))
    files = {"imsmanifest.xml": build_manifest(spec), "index.html": page, **control_files()}
    return _zip(list(files.items()))


def _patch_sizes(data: bytes, name: bytes, compress_size: int, file_size: int) -> bytes:
    """Make the central directory (and local header) of ``name`` declare other sizes than it holds."""
    buf = bytearray(data)
    for signature, size_at, name_at in ((b"PK\x01\x02", 20, 46), (b"PK\x03\x04", 18, 30)):
        at = 0
        while (at := buf.find(signature, at)) >= 0:
            length = struct.unpack_from("<H", buf, at + name_at - (18 if signature == b"PK\x01\x02" else 4))[0]
            if bytes(buf[at + name_at:at + name_at + length]) == name:
                struct.pack_into("<II", buf, at + size_at, compress_size, file_size)
            at += 4
    return bytes(buf)


def _declared_bomb() -> bytes:
    """Two entries that declare about 4 GiB each (ratio 50:1): refused by the total-size cap."""
    data = xapi(("media/a.bin", b"a" * 64), ("media/b.bin", b"b" * 64))
    for name in (b"media/a.bin", b"media/b.bin"):
        data = _patch_sizes(data, name, 0xF0000000 // 50, 0xF0000000)
    return data


def _lying_bomb() -> bytes:
    """app.js declares 1 KiB but inflates to 64 MiB: the capped stream stops it (bad CRC)."""
    page = PAGE.replace(b"</html>", b"<script src=app.js></script></html>")
    data = xapi(("app.js", b"\0" * (64 * 1024 * 1024)), page=page)
    start = data.find(b"PK\x01\x02")
    while data[start + 46:start + 52] != b"app.js":
        start = data.find(b"PK\x01\x02", start + 4)
    compress_size = struct.unpack_from("<I", data, start + 20)[0]
    return _patch_sizes(data, b"app.js", compress_size, 1024)


def _html(body: str) -> bytes:
    return f"<!doctype html><html lang=en><title>Step</title>\n{body}\n</html>\n".encode()


ATTACKS: dict[str, Callable[[], bytes]] = {
    # remote loads, one kind per package
    "remote-script-scorm12": lambda: scorm12(_html('<script src="https://cdn.example.com/x.js"></script>')),
    "remote-stylesheet": lambda: xapi(page=_html('<link rel="stylesheet" href="https://fonts.example.com/f.css">')),
    "remote-image-srcset": lambda: xapi(page=_html('<img alt="" src="a.png" srcset="a.png 1x, '
                                                   'https://img.example.com/a@2x.png 2x">')),
    "remote-media-poster-track": lambda: xapi(page=_html(
        '<video poster="//img.example.com/p.jpg">\n<source src="https://media.example.com/v.mp4">\n'
        '<track kind="captions" src="http://media.example.com/c.vtt"></video>')),
    "remote-iframe-object-embed": lambda: xapi(page=_html(
        '<iframe src="https://evil.example.com/"></iframe>\n<object data="https://evil.example.com/o.swf"></object>\n'
        '<embed src="https://evil.example.com/e.swf">')),
    "remote-meta-refresh": lambda: xapi(page=_html('<meta http-equiv="refresh" content="0; url=https://evil.example.com/">')),
    "remote-css-url-import": lambda: xapi(
        ("assets/step.css", b'/* url(https://not.a.load/) */\n@import "https://fonts.example.com/f.css";\n'
                            b"body { background: url('//img.example.com/bg.png') }\n"),
        page=_html('<link rel="stylesheet" href="assets/step.css">')),
    "remote-inline-style": lambda: xapi(page=_html(
        '<style>\n@font-face { src: url(https://fonts.example.com/f.woff2) }\n</style>\n'
        '<p style="background-image: url(http://img.example.com/x.png)">x</p>')),
    "remote-js-fetch-xhr-import-worker": lambda: xapi(
        ("assets/app.js", b'// fetch("https://in.a.comment/")\n'
                          b'fetch("https://api.example.com/track");\n'
                          b'var x = new XMLHttpRequest(); x.open("POST", "https://api.example.com/log");\n'
                          b'import("https://cdn.example.com/m.js");\n'
                          b"new Worker('//cdn.example.com/w.js');\n"
                          b'navigator.sendBeacon("https://api.example.com/b", "x");\n'
                          b'var url = "https://example.com/just-a-string-not-a-load";\n'),
        page=_html('<script src="assets/app.js"></script>')),
    "remote-inline-script-image": lambda: xapi(page=_html(
        '<script>\nvar i = new Image();\ni.src = "https://track.example.com/pixel.gif";\n</script>')),
    # zip entries
    "zip-slip-dotdot": lambda: xapi(("../evil.sh", b"rm -rf ~\n")),
    "zip-slip-absolute": lambda: xapi(("/etc/cron.d/evil", b"* * * * * root sh\n")),
    "zip-slip-drive-letter": lambda: xapi(("C:/Windows/evil.bat", b"echo\n")),
    "zip-slip-backslash": lambda: xapi(("..\\..\\evil.bat", b"echo\n")),
    "symlink-entry": lambda: _zip([("tincan.xml", TINCAN), ("index.html", PAGE),
                                   (_info("assets/passwd", mode=0o120777), b"/etc/passwd")]),
    "duplicate-name": lambda: xapi(("index.html", _html('<script src="https://cdn.example.com/x.js"></script>'))),
    "case-collision": lambda: xapi(("INDEX.HTML", _html("<p>Another page</p>"))),
    "unicode-normalisation-collision": lambda: xapi(("caf\u00e9.html", PAGE), ("cafe\u0301.html", PAGE)),
    # zip bombs
    "zip-bomb-ratio": lambda: xapi(("media/zeros.bin", b"\0" * (8 * 1024 * 1024))),
    "zip-bomb-declared-total": _declared_bomb,
    "zip-bomb-lying-sizes": _lying_bomb,
    # XML descriptors
    "xml-billion-laughs-manifest": lambda: _zip([("imsmanifest.xml", b'<?xml version="1.0"?>\n<!DOCTYPE manifest ['
                                                  + b"".join(b'<!ENTITY l%d "%s">' % (i, (b"&l%d;" % (i - 1)) * 10
                                                             if i else b"lol") for i in range(10))
                                                  + b"]>\n<manifest>&l9;</manifest>\n"), ("index.html", PAGE)]),
    "xml-external-dtd-manifest": lambda: _zip([("imsmanifest.xml", b'<?xml version="1.0"?>\n<!DOCTYPE manifest '
                                                b'SYSTEM "http://evil.example.com/m.dtd">\n<manifest/>\n'),
                                               ("index.html", PAGE)]),
    "xml-external-entity-tincan": lambda: _zip([("tincan.xml", TINCAN.replace(
        b"?>\n", b'?>\n<!DOCTYPE tincan [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n', 1).replace(
        b"<name", b"<name>&xxe;</name><name", 1)), ("index.html", PAGE)]),
    "xml-billion-laughs-cmi5": lambda: _zip([("cmi5.xml", b'<?xml version="1.0"?>\n<!DOCTYPE courseStructure ['
                                              + b"".join(b'<!ENTITY l%d "%s">' % (i, (b"&l%d;" % (i - 1)) * 10
                                                         if i else b"lol") for i in range(10))
                                              + b"]>\n<courseStructure>&l9;</courseStructure>\n"),
                                             ("index.html", PAGE)]),
}


def write_corpus(folder: Path = CORPUS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in ATTACKS.items():
        path = folder / f"{name}.zip"
        path.write_bytes(make())
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_corpus():
        print(written_path, written_path.stat().st_size)
