"""End to end in Debian's Chromium: staff publish in the admin, an investor downloads, staff see the evidence;
no page breaks the Content-Security-Policy (every violation fails the test)."""

import hashlib
import os
import re
from pathlib import Path

from django.contrib.auth.models import Group

from delivery.models import Delivery, DeliveryEvent, DocumentKind, EventKind, PackageDocument
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from tests import factories
from tests.actors import TEST_ACTOR
from tests.browser import Tabs, needs_chromium, sign_in, styled

from .conftest import make_registration, pdf_bytes

# Set DELIVERY_SCREENSHOTS=docs/images to refresh the README's screenshots.
SCREENSHOTS = os.environ.get("DELIVERY_SCREENSHOTS")

pytestmark = needs_chromium


def test_staff_publish_an_investor_downloads_the_combined_pdf_and_staff_see_it(
    tabs, live_server, settings, mailoutbox, django_user_model, tmp_path
):
    settings.DELIVERY_BASE_URL = live_server.url
    django_user_model.objects.create_superuser("staff", "staff@example.com", "a-long-test-password")
    registration = make_registration(investors=2)
    prospectus = registration.prospectuses.get()
    prospectus.document = ""
    prospectus.save()
    prospectus_file = tmp_path / "prospectus.pdf"
    prospectus_file.write_bytes(pdf_bytes(pages=2))

    staff = tabs.new_page()
    sign_in(staff, live_server.url)
    staff.goto(f"{live_server.url}/admin/delivery/packageversion/")
    staff.click("text=Publish a package")
    staff.select_option("#id_registration", str(registration.pk))
    staff.click("input[value=Continue]")
    assert "has no file" in staff.inner_text("#problems")
    staff.set_input_files("#id_prospectus_file", str(prospectus_file))
    assert not staff.is_checked("#id_send")  # a safe default: nobody is emailed unless staff say so
    staff.check("#id_send")
    if SCREENSHOTS:
        staff.set_viewport_size({"width": 1100, "height": 900})
        staff.screenshot(path=f"{SCREENSHOTS}/delivery-admin-publish.png", full_page=True)
    staff.click("input[name=publish]")  # queues a publish job; the job's page follows it (here it ran inline)
    assert "Published package v1" in staff.inner_text("#job-progress")

    assert len(mailoutbox) == 2
    investor_mail = mailoutbox[0]
    url = re.search(r"(http://\S+/d/[A-Za-z0-9_-]{43}/)", investor_mail.body).group(1)
    delivery = Delivery.objects.get(recipient_email=investor_mail.to[0])

    investor = tabs.new_page(viewport={"width": 390, "height": 844})
    investor.goto(url)
    assert delivery.recipient_name in investor.inner_text("h1")
    assert styled(investor), "the investor's page lost its stylesheet"
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
        desktop = tabs.new_page(viewport={"width": 1100, "height": 900})
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
        public = tabs.new_page(viewport={"width": 1100, "height": 900})
        public.goto(f"{live_server.url}/offerings/{registration.file_number}/")
        public.screenshot(path=f"{SCREENSHOTS}/delivery-offering-page.png", full_page=True)


def test_the_admin_and_the_investor_pages_run_under_the_strict_policy_without_a_violation(
    tabs, live_server, settings, django_user_model
):
    """Sign-in, a changelist with filters and actions, change forms with inlines, date widgets, autocomplete and
    filter_horizontal, the approve page, the compliance pages; the investors' pages and the not-found page."""
    settings.DELIVERY_BASE_URL = live_server.url
    user = django_user_model.objects.create_superuser("staff", "staff@example.com", "a-long-test-password")
    Group.objects.create(name="Counsel")
    registration = make_registration(investors=1)
    version = publish_package(actor=TEST_ACTOR, registration=registration)
    token = create_deliveries(actor=TEST_ACTOR, package_version=version)[0].token
    draft = factories.SupplementFactory(prospectus=registration.prospectuses.get(), number=9)
    base = live_server.url
    staff = tabs.new_page(viewport={"width": 1200, "height": 900})
    sign_in(staff, base)
    staff.goto(f"{base}/admin/offerings/registrationstatement/")
    staff.click("#changelist-filter summary >> nth=0")
    staff.select_option("select[name=action]", index=1)
    staff.goto(f"{base}/admin/offerings/registrationstatement/{registration.pk}/change/")
    staff.click("#amendments-group .add-row a")
    staff.click("a[id^=calendarlink] >> visible=true >> nth=0")  # DateTimeShortcuts' calendar
    staff.wait_for_selector(".calendarbox >> visible=true")
    staff.click(".calendarbox .calendar-cancel a >> visible=true")
    staff.click("#id_issuer + .select2 .select2-selection")
    staff.wait_for_selector(".select2-results__option")
    staff.keyboard.press("Escape")
    staff.goto(f"{base}/admin/offerings/supplement/{draft.pk}/change/")
    staff.wait_for_selector("#supplement_form")
    staff.goto(f"{base}/admin/auth/user/{user.pk}/change/")
    staff.fill("#id_groups_input", "Couns")  # filter_horizontal's filter box and two lists (SelectFilter2.js)
    staff.select_option("#id_groups_from", label="Counsel")
    staff.click("#id_groups_add")
    assert staff.eval_on_selector("#id_groups_to", "e => e.options.length") == 1
    staff.goto(f"{base}/admin/offerings/supplement/{draft.pk}/approve/")
    assert "Approve" in staff.inner_text("h1")
    for path in ("/compliance/", "/compliance/calendar/", "/admin/delivery/delivery/"):
        staff.goto(f"{base}{path}")
        assert (
            staff.eval_on_selector("form.portal-toolbar, form.portal-filter", "e => getComputedStyle(e).marginBottom")
            != "0px"
        ), path  # static/portal/admin.css
    staff.goto(f"{base}/admin/")
    assert staff.eval_on_selector("#content", "e => getComputedStyle(e).paddingTop") != "0px"  # admin CSS applies

    investor = tabs.new_page(viewport={"width": 390, "height": 844})
    for path in (f"/d/{token}/", f"/offerings/{registration.file_number}/", "/d/not-a-token/"):
        investor.goto(f"{base}{path}")
        assert styled(investor), path
    investor.goto(f"{base}/d/{token}/")
    investor.click("text=I have received these documents")
    assert "You confirmed on" in investor.inner_text("#receipt + .box")


def test_the_listener_reports_what_the_policy_blocks(browser, live_server):
    """The CSP watch itself: an inline style and an inline script added to a page are both reported."""
    tabs = Tabs(browser)
    page = tabs.new_page()
    page.goto(f"{live_server.url}/d/not-a-token/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.evaluate("const s = document.createElement('script'); s.textContent = '1'; document.body.append(s)")
    page.wait_for_timeout(200)
    assert any("style-src" in v for v in tabs.violations) and any("script-src" in v for v in tabs.violations)
