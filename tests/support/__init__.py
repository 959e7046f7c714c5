"""Helpers shared by the tests: a Range-capable HTTP server and a Chromium launcher."""
