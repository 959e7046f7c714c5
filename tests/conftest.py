"""Shared fixtures: paths, a Chromium browser, and a Range-capable HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, chromium_available
from tests.support.csp import install as _csp_friendly_waits

_csp_friendly_waits()  # the pages' CSP forbids the eval Playwright's wait_for_function uses (tests/support/csp.py)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_93bca87025a12bb7.txt"
NODE_MODULES = ROOT / "node_modules"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run."""
    if not chromium_available():
        pytest.fail(f"Chromium not found at {CHROMIUM}; the README test command installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page per test (no shared storage)."""
    context = browser.new_context()
    pg = context.new_page()
    yield pg
    context.close()



@pytest.fixture(scope="session")
def ralph_server() -> Iterator[Any]:
    """ralph-malph's LRS on 127.0.0.1 for the whole run."""
    from scorm_builder.preview.lrs import running_ralph

    with running_ralph() as lrs:
        yield lrs


@pytest.fixture()
def ralph(ralph_server: Any) -> Any:
    """The LRS, running (a test that failed mid-outage may have left it stopped)."""
    if ralph_server.process is None:
        ralph_server.start()
    return ralph_server
