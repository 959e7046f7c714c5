"""Our own scripts and stylesheets as shipped: without comments on lines of their own, or indentation.

The page's own JavaScript and CSS must stay under 25 KB gzipped (issue 12); the sources are
commented for people, and the comments are a quarter of their weight. Only what is certain
without a parser goes: a line that is only a ``//`` comment (JavaScript), a ``/* ... */``
comment that opens a line, and the white space at either end of every line. Every line stays,
empty if need be, so a line number in a browser's error is the source's line number. A file
holding a template literal (a backtick) or a line continued by a backslash, where a line's
edges can be inside a string (outside comments), is shipped as it is. Only the built-in theme and runtimes are
compacted; a course's own assets are shipped byte for byte.
"""

from __future__ import annotations

from scorm_builder.remote_loads import strip_js_comments


def compact(name: str, data: bytes) -> bytes:
    """``data`` of the file ``name`` (``.js`` or ``.css``; anything else unchanged), compacted."""
    script = name.endswith(".js")
    if not (script or name.endswith(".css")):
        return data
    text = data.decode("utf-8")
    code = strip_js_comments(text) if script else ""      # backticks in comments are only prose
    if "`" in code or any(line.endswith("\\") for line in text.splitlines()):
        return data
    out: list[str] = []
    in_comment = False                        # inside a /* comment that opened a line
    for line in text.split("\n"):
        kept = line.strip()
        if in_comment:
            end = kept.find("*/")
            if end < 0:
                out.append("")
                continue
            in_comment = False
            kept = kept[end + 2:].strip()
        elif script and kept.startswith("//") and "*/" not in kept:
            kept = ""
        elif kept.startswith("/*"):
            end = kept.find("*/", 2)
            if end < 0:
                in_comment = True
                kept = ""
            else:
                kept = kept[end + 2:].strip()
        out.append(kept)
    return "\n".join(out).encode("utf-8")
