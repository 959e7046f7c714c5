"""Catalogue maintenance, with Babel (a developer tool here; builds read the compiled ``.mo``).

    python -m scorm_builder.i18n extract        # templates and scripts -> locale/messages.pot
    python -m scorm_builder.i18n update         # messages.pot -> every locale/<lang>/LC_MESSAGES/messages.po
    python -m scorm_builder.i18n init LANG      # start locale/LANG/LC_MESSAGES/messages.po
    python -m scorm_builder.i18n compile        # every .po -> .mo, and the English reference en/.../messages.mo
    python -m scorm_builder.i18n check          # exit 1 when the .pot or a .mo is out of date
"""

from __future__ import annotations

import sys

from scorm_builder.i18n.catalogues import check, compile_all, extract_to_file, init, update


def main(argv: list[str]) -> int:
    """Run one maintenance command; print what it did."""
    if not argv or argv[0] not in ("extract", "update", "init", "compile", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    command = argv[0]
    if command == "extract":
        print(extract_to_file())
    elif command == "update":
        print("\n".join(update()))
    elif command == "init":
        if len(argv) != 2:
            print("usage: python -m scorm_builder.i18n init LANG", file=sys.stderr)
            return 2
        print(init(argv[1]))
    elif command == "compile":
        print("\n".join(compile_all()))
    else:
        problems = check()
        print("\n".join(problems) or "catalogues in sync")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
