"""Let every browser test run under the packages' real Content-Security-Policy.

Our pages forbid ``eval`` (``script-src 'self'``, no ``'unsafe-eval'``). Playwright's own
``wait_for_function`` evaluates its predicate with ``eval`` *inside* the page, so under that policy it
fails with an EvalError although the page is fine. ``install()`` replaces it, for ``Page`` and
``Frame``, with a wait that polls from outside: ``evaluate`` goes through the DevTools protocol,
which a page's CSP does not govern, exactly like Playwright's other calls. The predicate, its
argument, ``timeout`` and a numeric ``polling`` interval mean what they meant; the returned handle is
the truthy value. So the tests keep their code, and nothing in them needs ``bypass_csp``.
"""

from __future__ import annotations

import time
from typing import Any

_CONTEXT_GONE = ("Execution context was destroyed", "Cannot find context", "Frame was detached",
                 "navigation")


def _wait_for_function(self: Any, expression: str, *, arg: Any = None, timeout: float | None = None,
                       polling: float | str | None = None) -> Any:
    from playwright.sync_api import Error, TimeoutError

    limit = 30_000.0 if timeout is None else float(timeout)
    deadline = time.monotonic() + limit / 1000 if limit > 0 else float("inf")
    interval = float(polling) if isinstance(polling, (int, float)) else 20.0
    while True:
        try:
            handle = self.evaluate_handle(expression, arg)
            if handle.evaluate("value => !!value"):
                return handle
            handle.dispose()
        except Error as error:
            if not any(gone in error.message for gone in _CONTEXT_GONE):
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"Timeout {limit:.0f}ms exceeded waiting for function: {expression}")
        self.wait_for_timeout(interval)


def install() -> None:
    """Replace ``Page.wait_for_function`` and ``Frame.wait_for_function`` (idempotent)."""
    from playwright.sync_api import Frame, Page

    Page.wait_for_function = _wait_for_function  # type: ignore[assignment]
    Frame.wait_for_function = _wait_for_function  # type: ignore[assignment]
