"""Debian's Chromium under Playwright for the browser tests: pages that report every Content-Security-Policy
violation, signing in to the admin, and the check that a page is no wider than its viewport."""

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "a-long-test-password"

needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (make setup installs it)"),
]

# Reports each CSP violation to the console, where the test's listener collects it with Chromium's own messages.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.documentURI}`);
});
"""
CSP_WORDS = ("CSP violation", "Content Security Policy", "Content-Security-Policy")


class Tabs:
    """Opens pages that record every CSP violation, from the DOM event and from Chromium's console."""

    def __init__(self, browser):
        self.browser = browser
        self.violations: list[str] = []

    def new_page(self, **options):
        page = self.browser.new_page(**options)
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)
        return page

    def _console(self, message) -> None:
        if any(word in message.text for word in CSP_WORDS):
            self.violations.append(message.text)


def sign_in(page, base_url: str, username: str = "staff", password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def styled(page) -> bool:
    """The investor pages' stylesheet applies: main is centred at 46rem."""
    return page.eval_on_selector("main", "e => getComputedStyle(e).maxWidth") == "736px"


# The document's scrolling width against the layout viewport's: wider means the page scrolls sideways.
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when it fits)."""
    scroll_width, client_width = page.evaluate(PAGE_WIDTH)
    return max(0, scroll_width - client_width)


# Boxes the admin lets scroll sideways on their own (changelist results, tabular inlines): at desktop width a
# column hidden in them is as lost as one off the page.
SCROLLING_BOXES = """() => [...document.querySelectorAll('.results, .inline-group .tabular, .module')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.className || e.tagName} ${e.scrollWidth - e.clientWidth} px`)"""


def hidden_columns(page) -> list[str]:
    """The boxes on the page that hide part of their content behind a sideways scroll."""
    return page.evaluate(SCROLLING_BOXES)
