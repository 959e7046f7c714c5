"""Allow ``python -m scorm_builder``."""

from scorm_builder.cli import main

if __name__ == "__main__":       # caption workers started with "spawn" (macOS, Windows) import this module
    main()
