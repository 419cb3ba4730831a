"""Screenshots for the README: the admin and compliance pages of the BestNet demo, in headless Chromium.

Usage: start the demo (``make run`` with PORTAL_ADMIN_PASSWORD set), then
``PORTAL_ADMIN_PASSWORD=... .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]``.
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUT = Path(__file__).resolve().parent.parent / "docs" / "images"


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    password = os.environ["PORTAL_ADMIN_PASSWORD"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.goto(f"{base}/admin/offerings/registrationstatement/")
        page.click("text=333-105026")
        page.set_viewport_size({"width": 1280, "height": 2600})
        page.locator("#content").screenshot(path=OUT / "admin-registration.png")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{base}/compliance/?as_of=2003-07-16")
        page.locator("#content").screenshot(path=OUT / "compliance-dashboard.png")
        page.goto(f"{base}/admin/offerings/supplement/")
        page.screenshot(path=OUT / "admin-supplements.png")
        browser.close()


if __name__ == "__main__":
    main()
