"""The staff's day in Chromium, each role on its own pages, no command line (issue 13).

A Preparer records a 10-Q and opens the supplement it drafted, then submits it; a Reviewer approves it from its
page; a Filer records the EDGAR filing; Delivery publishes the next package version, previews the notice, adds
an investor and delivers to everyone who lacks the new version; the late investor downloads and acknowledges,
and Delivery reads the evidence. Every page is photographed at 1280 and 390 px
and none may be wider than its viewport (nor hide a column at 1280 px); no page may break the Content-Security-Policy.

Set STAFF_DAY_SCREENSHOTS=docs/images to refresh the README's screenshots from this run.
"""

import datetime
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.utils import timezone

from delivery.models import Delivery, PackageVersion
from delivery.services.links import create_deliveries
from delivery.services.packages import attach_prospectus_document, attach_report_document, publish_package
from offerings.models import Investor, PeriodicReport, Supplement, SupplementStatus
from offerings.roles import sync_roles
from tests import factories
from tests.actors import TEST_ACTOR
from tests.browser import PASSWORD, hidden_columns, needs_chromium, overflow, sign_in
from tests.delivery.conftest import approved_supplement, pdf_bytes

pytestmark = needs_chromium

WIDTHS = (1280, 390)
DESKTOP = 1280  # every column visible; narrower, the admin's tables may scroll inside their box
SCREENSHOTS = os.environ.get("STAFF_DAY_SCREENSHOTS")
# The pages the README shows, by step name (the run photographs every step into tmp_path as well).
README_SHOTS = {
    *((name, 1280) for name in ("preparer-home", "preparer-drafted-supplement", "reviewer-approve")),
    *((name, 1280) for name in ("filer-filed-supplement", "delivery-package-out-of-date", "delivery-email-preview")),
    *((name, 1280) for name in ("delivery-deliver", "delivery-evidence")),
    *((name, 390) for name in ("preparer-home", "preparer-drafted-supplement", "delivery-deliver")),
}


@dataclass
class Camera:
    """Photographs a page at each width and notes every page that scrolls sideways."""

    directory: Path
    too_wide: list[str] = field(default_factory=list)
    taken: list[Path] = field(default_factory=list)

    def shoot(self, page, name: str) -> None:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
            excess = overflow(page)
            if excess:
                self.too_wide.append(f"{name} at {width} px: {excess} px too wide ({page.url})")
            if width >= DESKTOP:
                self.too_wide += [f"{name} at {width} px hides columns in {box}" for box in hidden_columns(page)]
            path = self.directory / f"staff-day-{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            self.taken.append(path)
            if SCREENSHOTS and (name, width) in README_SHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/staff-day-{name}-{width}.png", full_page=False)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def _role_user(django_user_model, role: str):
    # A live-server test before this one flushed the tables, groups included; the migration's sync makes them.
    sync_roles(django_apps)
    user = django_user_model.objects.create_user(role.lower(), f"{role.lower()}@example.com", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def _yesterdays_records(today: datetime.date):
    """An issuer that cannot incorporate forward, its 10-K, a prospectus after it, one approved supplement, a
    published package v1 delivered to two investors: where the day starts."""
    issuer = factories.IssuerFactory(name="Northwind Devices Inc.")
    annual = factories.PeriodicReportFactory(
        issuer=issuer,
        key="annual_last",
        form="10-K",
        period_end=today - datetime.timedelta(days=240),
        filed_on=today - datetime.timedelta(days=150),
    )
    attach_report_document(actor=TEST_ACTOR, report=annual, name="10-K.pdf", data=pdf_bytes(pages=4))
    registration = factories.RegistrationStatementFactory(
        issuer=issuer,
        forward_incorporation=False,
        filed_on=today - datetime.timedelta(days=130),
        effective_on=today - datetime.timedelta(days=100),
    )
    prospectus = factories.ProspectusFactory(
        registration_statement=registration, dated_on=today - datetime.timedelta(days=100)
    )
    attach_prospectus_document(actor=TEST_ACTOR, prospectus=prospectus, name="prospectus.pdf", data=pdf_bytes(pages=3))
    approved_supplement(prospectus, number=1, dated_on=today - datetime.timedelta(days=90))
    for n in range(2):
        # Long addresses on purpose: the deliveries list must still show every column at 1280 px.
        email = f"treasury.operations@holder-{n + 1}-capital-partners.example.com"
        factories.InvestorFactory(registration_statement=registration, name=f"Holder {n + 1} LP", email=email)
    version = publish_package(actor=TEST_ACTOR, registration=registration)
    create_deliveries(actor=TEST_ACTOR, package_version=version)
    return registration


def _pick_autocomplete(page, field_id: str, text: str) -> None:
    page.click(f"#{field_id} + .select2 .select2-selection")
    page.fill(".select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def test_each_role_does_its_step_of_the_day_on_the_records_own_pages(
    tabs, live_server, settings, mailoutbox, django_user_model, tmp_path
):
    settings.DELIVERY_BASE_URL = live_server.url  # PORTAL_BASE_URL in the environment
    today = timezone.localdate()
    registration = _yesterdays_records(today)
    for role in ("Preparer", "Reviewer", "Filer", "Delivery"):
        _role_user(django_user_model, role)
    camera = Camera(tmp_path)
    base = live_server.url
    ten_q = tmp_path / "10-Q.pdf"
    ten_q.write_bytes(pdf_bytes(pages=2))

    # The Preparer records the new 10-Q; the admin drafts the incorporation supplement and links to it.
    preparer = tabs.new_page(viewport={"width": 1280, "height": 900})
    sign_in(preparer, base, "preparer")
    camera.shoot(preparer, "preparer-home")
    preparer.goto(f"{base}/admin/offerings/periodicreport/add/")
    _pick_autocomplete(preparer, "id_issuer", "Northwind Devices")
    preparer.fill("#id_key", "quarter_latest")
    preparer.select_option("#id_form", "10-Q")
    preparer.fill("#id_period_end", (today - datetime.timedelta(days=60)).isoformat())
    preparer.fill("#id_filed_on", (today - datetime.timedelta(days=3)).isoformat())
    preparer.fill("#id_accession_number", "0001234567-26-000123")
    preparer.set_input_files("#id_document", str(ten_q))
    camera.shoot(preparer, "preparer-record-report")
    preparer.click("input[name=_save]")
    message = preparer.inner_text(".messagelist")
    assert f"Drafted an incorporation supplement for {registration}" in message
    preparer.click(".messagelist >> text=open the draft")
    supplement = Supplement.objects.get(incorporations__report__key="quarter_latest")
    assert preparer.url.endswith(f"/admin/offerings/supplement/{supplement.pk}/change/")
    assert "Status: Draft" in preparer.inner_text(".supplement-workflow")
    camera.shoot(preparer, "preparer-drafted-supplement")
    preparer.click("button[data-step=submit]")
    assert "Status: In review" in preparer.inner_text(".supplement-workflow")
    assert "Needs the Reviewer role" in preparer.inner_text(".supplement-workflow")  # approve is not theirs

    # The Reviewer finds it on the home page and approves it from its page.
    reviewer = tabs.new_page(viewport={"width": 1280, "height": 900})
    sign_in(reviewer, base, "reviewer")
    reviewer.click(f"text={supplement}")
    camera.shoot(reviewer, "reviewer-supplement")
    reviewer.click("a[data-step=approve]")
    camera.shoot(reviewer, "reviewer-approve")
    reviewer.click("input[value=Approve]")
    assert "Status: Approved" in reviewer.inner_text(".supplement-workflow")
    assert "Needs the Filer role" in reviewer.inner_text(".supplement-workflow")

    # The Filer sees the filing due on the home page and records the EDGAR filing.
    filer = tabs.new_page(viewport={"width": 1280, "height": 900})
    sign_in(filer, base, "filer")
    assert "filings due" in filer.inner_text("#attention-filings caption").lower()
    filer.click(f"text={supplement}")
    filer.click("a[data-step=file]")
    filer.fill("#id_filed_on", today.isoformat())
    filer.fill("#id_accession_number", "0001234567-26-000124")
    camera.shoot(filer, "filer-record-filing")
    filer.click("input[value='Record filing']")
    assert "Status: Filed" in filer.inner_text(".supplement-workflow")
    camera.shoot(filer, "filer-filed-supplement")
    assert Supplement.objects.get(pk=supplement.pk).status == SupplementStatus.FILED

    # Delivery sees the package out of date, publishes v2, adds a late investor, previews, delivers.
    delivery = tabs.new_page(viewport={"width": 1280, "height": 900})
    sign_in(delivery, base, "delivery")
    assert "packages out of date" in delivery.inner_text("#attention-packages caption").lower()
    delivery.click(f"text={registration} ({registration.issuer})")
    delivery.click("text=v1")
    assert "Out of date:" in delivery.inner_text("#content")
    camera.shoot(delivery, "delivery-package-out-of-date")
    delivery.click("text=Publish the next version")
    camera.shoot(delivery, "delivery-publish")
    assert not delivery.is_checked("#id_send")
    delivery.click("input[name=publish]")
    assert "Published package v2" in delivery.inner_text("#job-progress")
    camera.shoot(delivery, "delivery-published")
    v2 = PackageVersion.objects.get(registration_statement=registration, number=2)

    delivery.goto(f"{base}/admin/offerings/investor/add/")
    _pick_autocomplete(delivery, "id_registration_statement", registration.file_number)
    delivery.fill("#id_name", "Late Subscriber LLC")
    delivery.fill("#id_email", "late@example.com")
    delivery.click("input[name=_save]")
    assert Investor.objects.filter(registration_statement=registration, name="Late Subscriber LLC").exists()

    delivery.goto(f"{base}/admin/delivery/packageversion/{v2.pk}/change/")
    delivery.click("text=Preview the email notice")
    preview = delivery.inner_text("#content")
    assert "Late Subscriber LLC" in preview or "Holder 1 LP" in preview
    camera.shoot(delivery, "delivery-email-preview")
    delivery.goto(f"{base}/admin/delivery/packageversion/{v2.pk}/change/")
    delivery.click("text=Deliver to recipients without a delivery")
    waiting = delivery.inner_text("#content")
    assert "Late Subscriber LLC" in waiting and "Holder 1 LP" in waiting
    camera.shoot(delivery, "delivery-deliver")
    delivery.check("#id_send")
    delivery.click("input[type=submit]")
    assert "Created 3 deliveries; 3 notice(s) queued." in delivery.inner_text(".messagelist")

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        ["late@example.com", *Investor.objects.filter(name__startswith="Holder").values_list("email", flat=True)]
    )
    for mail in mailoutbox:
        assert re.search(rf"{re.escape(base)}/d/[A-Za-z0-9_-]{{43}}/", mail.body), mail.body
    assert Delivery.objects.filter(package_version=v2).count() == 3
    delivery.goto(f"{base}/admin/delivery/delivery/")
    camera.shoot(delivery, "delivery-deliveries")

    # The late investor opens the emailed link, downloads the package and acknowledges; Delivery sees the evidence.
    late_mail = next(m for m in mailoutbox if m.to == ["late@example.com"])
    link = re.search(r"(http://\S+/d/[A-Za-z0-9_-]{43}/)", late_mail.body).group(1)
    investor = tabs.new_page(viewport={"width": 390, "height": 844})
    investor.goto(link)
    camera.shoot(investor, "investor-personal-page")
    with investor.expect_download():
        investor.click("text=Download the complete package (PDF)")
    investor.click("text=I have received these documents")
    late = Delivery.objects.get(package_version=v2, recipient_email="late@example.com")
    delivery.goto(f"{base}/admin/delivery/delivery/{late.pk}/change/")
    evidence = delivery.inner_text("#content")
    assert "Downloaded a document" in evidence and "Acknowledged receipt" in evidence
    camera.shoot(delivery, "delivery-evidence")

    assert camera.too_wide == []
    assert len(camera.taken) >= 2 * 14 and all(path.stat().st_size > 0 for path in camera.taken)
    assert PeriodicReport.objects.get(key="quarter_latest").document
