"""End to end in Debian's Chromium: staff publish in the admin, an investor downloads, staff see the evidence."""

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
from django.db import connections

from delivery.models import Delivery, DeliveryEvent, DocumentKind, EventKind, PackageDocument

from .conftest import make_registration, pdf_bytes

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
# Set DELIVERY_SCREENSHOTS=docs/images to refresh the README's screenshots.
SCREENSHOTS = os.environ.get("DELIVERY_SCREENSHOTS")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (make setup installs it)"),
]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()
        # While Playwright's event loop runs, the ORM keeps its connections in a separate context; close
        # them here, or PostgreSQL refuses to drop the test database at the end of the session.
        connections.close_all()


def test_staff_publish_an_investor_downloads_the_combined_pdf_and_staff_see_it(
    browser, live_server, settings, mailoutbox, django_user_model, tmp_path
):
    settings.DELIVERY_BASE_URL = live_server.url
    django_user_model.objects.create_superuser("staff", "staff@example.com", "a-long-test-password")
    registration = make_registration(investors=2)
    prospectus = registration.prospectuses.get()
    prospectus.document = ""
    prospectus.save()
    prospectus_file = tmp_path / "prospectus.pdf"
    prospectus_file.write_bytes(pdf_bytes(pages=2))

    staff = browser.new_page()
    staff.goto(f"{live_server.url}/admin/login/")
    staff.fill("#id_username", "staff")
    staff.fill("#id_password", "a-long-test-password")
    staff.click("input[type=submit]")
    staff.goto(f"{live_server.url}/admin/delivery/packageversion/")
    staff.click("text=Publish a package")
    staff.select_option("#id_registration", str(registration.pk))
    staff.click("input[value=Continue]")
    assert "has no file" in staff.inner_text("#problems")
    staff.set_input_files("#id_prospectus_file", str(prospectus_file))
    if SCREENSHOTS:
        staff.set_viewport_size({"width": 1100, "height": 900})
        staff.screenshot(path=f"{SCREENSHOTS}/delivery-admin-publish.png", full_page=True)
    staff.click("input[name=publish]")
    assert "Published package v1" in staff.inner_text(".messagelist")

    assert len(mailoutbox) == 2
    investor_mail = mailoutbox[0]
    url = re.search(r"(http://\S+/d/[A-Za-z0-9_-]{43}/)", investor_mail.body).group(1)
    delivery = Delivery.objects.get(recipient_email=investor_mail.to[0])

    investor = browser.new_page(viewport={"width": 390, "height": 844})
    investor.goto(url)
    assert delivery.recipient_name in investor.inner_text("h1")
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        investor.screenshot(path=f"{SCREENSHOTS}/delivery-personal-page-phone.png", full_page=True)
    with investor.expect_download() as download_info:
        investor.click("text=Download the complete package (PDF)")
    download = download_info.value
    combined = PackageDocument.objects.get(
        package_version__registration_statement=registration, kind=DocumentKind.COMBINED
    )
    assert download.suggested_filename == combined.file_name
    assert hashlib.sha256(Path(download.path()).read_bytes()).hexdigest() == combined.sha256
    investor.click("text=I have received these documents")
    assert "You confirmed on" in investor.inner_text("#receipt + .box")
    if SCREENSHOTS:
        desktop = browser.new_page(viewport={"width": 1100, "height": 900})
        desktop.goto(url)
        desktop.screenshot(path=f"{SCREENSHOTS}/delivery-personal-page-desktop.png", full_page=True)

    event = DeliveryEvent.objects.get(delivery=delivery, kind=EventKind.DOWNLOAD)
    assert event.document_sha256 == combined.sha256
    staff.goto(f"{live_server.url}/admin/delivery/delivery/{delivery.pk}/change/")
    evidence = staff.inner_text("body")
    assert "Downloaded a document" in evidence
    assert combined.sha256 in evidence
    assert "Acknowledged receipt" in evidence
    if SCREENSHOTS:
        staff.screenshot(path=f"{SCREENSHOTS}/delivery-admin-evidence.png", full_page=True)
        public = browser.new_page(viewport={"width": 1100, "height": 900})
        public.goto(f"{live_server.url}/offerings/{registration.file_number}/")
        public.screenshot(path=f"{SCREENSHOTS}/delivery-offering-page.png", full_page=True)
