import json
import subprocess
from pathlib import Path

import pytest

from offerings.dossier.importer import import_dossier
from tests.actors import TEST_ACTOR

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "offerings" / "dossier" / "examples"
BESTNET_DOSSIER = EXAMPLES / "bestnet-333-105026.json"
SEED_TEXT = Path(__file__).resolve().parent / "data" / "bestnet-424b3-2003-07-16.txt"


@pytest.fixture
def bestnet_data() -> dict:
    """The BestNet dossier as parsed JSON; tests may change their copy freely."""
    return json.loads(BESTNET_DOSSIER.read_text())


@pytest.fixture
def bestnet(db, bestnet_data):
    """The BestNet registration (333-105026) imported from the example dossier."""
    return import_dossier(actor=TEST_ACTOR, data=bestnet_data).registration


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium under Playwright (tests/browser.py), closed with the ORM's connections afterwards."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, CHROMIUM

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()
        # While Playwright's event loop runs, the ORM keeps its connections in a separate context; close
        # them here, or PostgreSQL refuses to drop the test database at the end of the session.
        connections.close_all()


@pytest.fixture
def tabs(browser):
    """New pages that record every CSP violation; the test fails if any page broke the policy."""
    from tests.browser import Tabs

    tabs = Tabs(browser)
    yield tabs
    assert tabs.violations == []


@pytest.fixture
def processes():
    """Started subprocesses; every one still running at the end is killed and reaped."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
