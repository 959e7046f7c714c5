"""Run ralph-malph's LRS app on 127.0.0.1 (started by ``scorm_builder.preview.lrs`` in a subprocess).

``python -m scorm_builder.preview.ralph_app PORT``; the environment says where statements and the auth file
live. ralph 5.1.0's filesystem backend creates its file on the first write and answers 500 to every
later write (its default operation type is "create"); appending is set before the app is imported.
``ralph runserver`` is not used: it reloads and binds every address. The LRS ends itself within a
second of the preview that started it ending, however that ends (even ``kill -9``): a server left
behind would hold its port and its statements for nobody.
"""

from __future__ import annotations

import os
import sys
import threading
import time


def _end_with_parent(interval: float = 0.5) -> None:
    """Exit as soon as this process's parent is gone (on POSIX an orphan is adopted by another)."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def main() -> None:
    _end_with_parent()
    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.data.fs import FSDataBackend

    FSDataBackend.default_operation_type = BaseOperationType.APPEND

    import uvicorn
    from ralph.api import app

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")


if __name__ == "__main__":
    main()
