"""Allow ``python -m scorm_builder``."""

from scorm_builder.cli import main

main()
