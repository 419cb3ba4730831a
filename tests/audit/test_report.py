"""The audit report of a registration for a date range, as CSV and PDF, from the admin and the command."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit import reports
from delivery.services import links
from delivery.services.packages import publish_package
from offerings.services.investors import import_investors
from offerings.services.records import delete_record, save_record
from tests import factories
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration


def today() -> datetime.date:
    return timezone.now().astimezone(datetime.UTC).date()


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def edited(bestnet, staff):
    """BestNet, then a holder added and removed by staff, an investor imported and a hostile name."""
    holder = factories.SellingStockholderFactory.build(registration_statement=bestnet, name="Short-lived Holder LP")
    save_record(actor=staff, record=holder)
    delete_record(actor=staff, record=holder)
    import_investors(actor=staff, registration=bestnet, data='name,email\n"=HYPERLINK(""http://x"")",eve@example.com\n')
    bestnet.effective_on_note = ""  # untouched fields stay out of the diff
    return bestnet


def test_the_report_holds_every_entry_of_the_registrations_records_and_nothing_else(edited):
    report = reports.build_report("333-105026", date_from=today(), date_to=today())
    types = {row.record_type for row in report.rows}
    assert {"registration statement", "prospectus", "selling stockholder", "investor"} <= types
    assert any("supplement" in t for t in types) and any("registered amount" in t for t in types)
    assert not {"issuer", "security", "periodic report"} & types  # the issuer's records, not the registration's
    holder_rows = [row for row in report.rows if row.record == "Short-lived Holder LP"]
    assert [row.action for row in holder_rows] == ["created", "deleted"]  # found though deleted
    assert {row.actor for row in holder_rows} == {"counsel"}
    assert [row.entry for row in report.rows] == sorted(row.entry for row in report.rows)
    assert report.verification.ok


def test_the_date_range_includes_both_days_and_excludes_the_rest(edited):
    assert reports.build_report("333-105026", date_from=today(), date_to=today()).rows
    yesterday = today() - datetime.timedelta(days=1)
    assert reports.build_report("333-105026", date_from=yesterday, date_to=yesterday).rows == []
    in_2003 = {"date_from": datetime.date(2003, 1, 1), "date_to": datetime.date(2003, 12, 31)}
    assert reports.build_report("333-105026", **in_2003).rows == []
    with pytest.raises(ValueError, match="ends"):
        reports.build_report("333-105026", date_from=today(), date_to=yesterday)
    with pytest.raises(LookupError, match="333-999999"):
        reports.build_report("333-999999")


def test_csv_rows_show_changes_and_neutralise_formulas(edited):
    text = reports.report_csv(reports.build_report("333-105026"))
    rows = rows_of(text)
    assert list(rows[0]) == reports.COLUMNS
    investor = next(row for row in rows if row["record_type"] == "investor")
    assert investor["record"].startswith("'=HYPERLINK")
    assert "email: (none) → eve@example.com" in investor["changes"].splitlines()
    assert investor["actor"] == "counsel" and investor["action"] == "created" and len(investor["sha256"]) == 64
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_safe_cell_prefixes_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert reports.safe_cell(f"{start}1") == f"'{start}1"
    assert reports.safe_cell("1-2") == "1-2"


def test_the_pdf_lists_the_entries(edited):
    data = reports.report_pdf(reports.build_report("333-105026", date_from=today(), date_to=today()))
    assert data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Audit report" in text and "333-105026" in text and "Short-lived Holder LP" in text
    assert "verified" in text


def test_the_pdf_fetches_no_url():
    fetcher = reports.refusing_fetcher()
    for url in ("file:///etc/passwd", "https://example.com/x.png", "data:text/plain,hi"):
        with pytest.raises(reports.URLRefusedError):
            fetcher.fetch(url)


def test_the_report_covers_packages_and_deliveries(staff, db):
    registration = make_registration(investors=2)
    package = publish_package(actor=TEST_ACTOR, registration=registration)
    delivery = links.create_deliveries(actor=TEST_ACTOR, package_version=package)[0].delivery
    links.revoke_link(actor=staff, delivery=delivery)
    rows = reports.build_report(registration.file_number).rows
    types = {row.record_type for row in rows}
    assert {"package version", "package document", "delivery", "investor"} <= types
    revoked = [row for row in rows if row.record_type == "delivery" and row.action == "updated"]
    assert revoked and "status: pending → revoked" in revoked[0].changes and revoked[0].actor == "counsel"


def test_the_command_writes_csv_and_pdf(edited, tmp_path, capsys):
    day = today().isoformat()
    call_command("audit_report", "333-105026", "--from", day, "--to", day, "--format", "csv")
    rows = rows_of(capsys.readouterr().out)
    assert rows and all(row["time_utc"].startswith(day) for row in rows)
    out = tmp_path / "audit.pdf"
    call_command("audit_report", "333-105026", "--from", day, "--to", day, "--format", "pdf", "--output", str(out))
    assert out.read_bytes().startswith(b"%PDF-")
    call_command("audit_report", "333-105026", "--from", "2003-01-01", "--to", "2003-12-31", "--format", "csv")
    assert capsys.readouterr().out.strip() == ",".join(reports.COLUMNS)
    with pytest.raises(CommandError, match="No registration statement"):
        call_command("audit_report", "333-999999")
    with pytest.raises(CommandError, match="not a date"):
        call_command("audit_report", "333-105026", "--from", "2003-13-01")


def test_staff_download_the_report_from_the_admin(edited, staff_client):
    url = reverse("admin:audit_logentry_report")
    page = staff_client.get(url, {"key": "333-105026"})
    assert page.status_code == 200 and 'value="333-105026"' in page.content.decode()
    day = today().isoformat()
    response = staff_client.post(url, {"key": "333-105026", "date_from": day, "date_to": day, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-333-105026-')
    assert rows_of(response.content.decode())
    pdf = staff_client.post(url, {"key": "333-105026", "date_from": day, "date_to": day, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    missing = staff_client.post(url, {"key": "333-999999", "format": "csv"})
    assert missing.status_code == 200 and "No registration statement" in missing.content.decode()


def test_the_audit_entries_list_and_an_entry_page_load(edited, staff_client):
    from audit.models import LogEntry

    assert staff_client.get(reverse("admin:audit_logentry_changelist")).status_code == 200
    entry = LogEntry.objects.order_by("-id").first()
    assert staff_client.get(reverse("admin:audit_logentry_change", args=[entry.pk])).status_code == 200
