"""Output encoding (issue 12, part 5): CSV formulas, control characters in names, iCalendar lines, ASCII digits."""

import copy
import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit import reports as audit_reports
from compliance.calendar import CalendarEvent
from compliance.ics import render_ics
from delivery import reports as delivery_reports
from delivery.models import Delivery
from delivery.services import links
from delivery.services.packages import publish_package
from offerings import validators
from offerings.dossier.importer import import_dossier
from offerings.dossier.schema import DossierError
from offerings.dossier.upgrade import upgrade_v1
from offerings.models import Investor, Issuer, RegistrationStatement
from offerings.services.investors import import_investors
from safety.csv import cell
from tests import factories
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration

ARABIC_INDIC = "333-\u0661\u0660\u0665\u0660\u0662\u0666"  # 333-105026 in Arabic-Indic digits
FULL_WIDTH = "333-\uff11\uff10\uff15\uff10\uff12\uff16"  # 333-105026 in full-width digits
FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


# -- CSV formula neutralising ------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_starting_with_a_formula_character_gets_a_quote(value):
    assert cell(value) == "'" + value


@pytest.mark.parametrize("value", ["1-2", "Acme, Inc.", "a=b", "", 3, None])
def test_other_cells_are_unchanged(value):
    assert cell(value) == ("" if value is None else str(value))


@pytest.mark.django_db
def test_every_column_of_the_delivery_report_is_neutralised():
    registration = make_registration(investors=0)
    factories.InvestorFactory(registration_statement=registration, name="@SUM(1+1)", email="=1+1@example.com")
    factories.InvestorFactory(
        registration_statement=registration, name="-Dash", email=None, postal_address="+1 Main St"
    )
    publish_package(actor=TEST_ACTOR, registration=registration)
    links.create_deliveries(actor=TEST_ACTOR, package_version=registration.package_versions.get())
    documents, deliveries = delivery_reports.csv_report(registration=registration).split("\n\n", 1)
    rows = list(csv.DictReader(io.StringIO(deliveries)))
    by_name = {row["recipient"]: row for row in rows}
    assert by_name["'@SUM(1+1)"]["email"] == "'=1+1@example.com"
    assert "'-Dash" in by_name
    for row in rows + list(csv.DictReader(io.StringIO(documents))):
        assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in row.values())


@pytest.mark.django_db
def test_every_column_of_the_audit_report_is_neutralised():
    registration = make_registration(investors=0)
    factories.InvestorFactory(registration_statement=registration, name="=HYPERLINK(1)", email="+x@example.com")
    report = audit_reports.build_report(registration.file_number)
    rows = list(csv.DictReader(io.StringIO(audit_reports.report_csv(report))))
    assert any(row["record"] == "'=HYPERLINK(1)" for row in rows)
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in row.values())


# -- control characters in names and addresses -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "code_point"),
    [
        ("Evil\rX-INJECT:1", "U+000D"),
        ("Two\nlines", "U+000A"),
        ("Tab\there", "U+0009"),
        ("Null\x00", "U+0000"),
        ("Escape\x1b[31m", "U+001B"),
        ("Delete\x7f", "U+007F"),
        ("C1\x85next line", "U+0085"),
        ("Line\u2028separator", "U+2028"),
    ],
)
def test_a_one_line_field_refuses_every_control_character_naming_it(value, code_point):
    with pytest.raises(ValidationError) as caught:
        validators.validate_no_control_characters(value)
    assert code_point in caught.value.messages[0]


@pytest.mark.parametrize("value", ["1 Main St\nSpringfield", "1 Main St\r\nSpringfield", "Col 1\tCol 2", "Café"])
def test_a_multi_line_text_allows_line_breaks_and_tabs(value):
    validators.validate_text_no_control_characters(value)


@pytest.mark.parametrize(("value", "code_point"), [("Lone\rreturn", "U+000D"), ("Bell\x07", "U+0007")])
def test_a_multi_line_text_refuses_a_lone_carriage_return_and_other_controls(value, code_point):
    with pytest.raises(ValidationError, match=re.escape(code_point)):
        validators.validate_text_no_control_characters(value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: factories.IssuerFactory.build(name="Evil\rCorp"), "name"),
        (lambda: factories.InvestorFactory.build(name="Eve\nAdams"), "name"),
        (lambda: factories.InvestorFactory.build(email="eve\r@example.com"), "email"),
        (lambda: factories.InvestorFactory.build(postal_address="1 Main St\rBcc: x"), "postal_address"),
        (lambda: factories.SellingStockholderFactory.build(name="Holder\x00 LP"), "name"),
        (lambda: factories.SecurityFactory.build(title="Common\rstock"), "title"),
    ],
)
def test_the_models_refuse_control_characters_in_names_titles_and_addresses(build, field):
    record = build()
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    assert field in caught.value.message_dict
    assert "U+00" in " ".join(caught.value.message_dict[field])


@pytest.mark.django_db
def test_a_delivery_refuses_a_recipient_name_with_a_line_break():
    registration = make_registration(investors=1)
    version = publish_package(actor=TEST_ACTOR, registration=registration)
    delivery = Delivery(
        package_version=version, investor=registration.investors.get(), recipient_name="Eve\r\nBcc: x", method="postal"
    )
    with pytest.raises(ValidationError) as caught:
        delivery.full_clean()
    assert "U+000D" in caught.value.message_dict["recipient_name"][0]


@pytest.mark.django_db
def test_the_dossier_import_reports_a_control_character_as_a_field_problem(bestnet_data):
    data = copy.deepcopy(bestnet_data)
    data["issuer"]["name"] = "Bestnet\rX-INJECT:1"
    with pytest.raises(DossierError) as caught:
        import_dossier(actor=TEST_ACTOR, data=data)
    [problem] = [p for p in caught.value.problems if "U+000D" in p.message]
    assert problem.path.startswith("$.issuer")
    assert not Issuer.objects.exists()


@pytest.mark.django_db
def test_the_investor_csv_import_refuses_control_characters_naming_the_line_and_column():
    registration = factories.RegistrationStatementFactory()
    data = 'name,email,postal_address\n"Eve\rAdams",eve@example.com,\nBob,bob@example.com,"1 Main St\x0bx"\n'
    with pytest.raises(ValidationError) as caught:
        import_investors(actor=TEST_ACTOR, registration=registration, data=data)
    problems = caught.value.message_dict["csv"]
    assert any(p.startswith("line 2: name: ") and "U+000D" in p for p in problems)
    assert any(p.startswith("line 4: postal_address: ") and "U+000B" in p for p in problems), problems
    assert not Investor.objects.exists()


# -- iCalendar ---------------------------------------------------------------------------------------------------
def _event(title: str, description: str = "Due.") -> CalendarEvent:
    return CalendarEvent(
        on=datetime.date(2004, 2, 19),
        kind="periodic_report",
        title=title,
        description=description,
        subject="issuer",
        subject_id=1,
        file_numbers=("333-105026",),
    )


def _property_names(body: str) -> list[str]:
    unfolded = body.replace("\r\n ", "")
    return [line.split(":", 1)[0].split(";", 1)[0] for line in unfolded.split("\r\n") if line]


@pytest.mark.parametrize("breaking", ["\r", "\n", "\r\n", "\x0b", "\x00", "\x85"])
def test_a_line_break_in_record_text_never_starts_a_property_line(breaking):
    title = f"Evil Corp{breaking}X-INJECTED:1{breaking}END:VEVENT"
    body = render_ics(
        [_event(title, f"Text{breaking}ATTENDEE:mailto:x@example.com")], stamp=datetime.datetime.now(datetime.UTC)
    )
    names = _property_names(body)
    assert "X-INJECTED" not in names and "ATTENDEE" not in names
    assert names.count("END") == 2  # END:VEVENT and END:VCALENDAR, nothing injected
    assert "\n" not in body.replace("\r\n", "") and "\r" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_the_feed_has_the_properties_calendar_apps_read():
    body = render_ics(
        [_event("Bestnet: Form 10-QSB due, a; b \\ c")],
        stamp=datetime.datetime(2004, 1, 1, 12, tzinfo=datetime.UTC),
        url_for=lambda event: "https://portal.example/admin/offerings/issuer/1/change/",
    )
    unfolded = body.replace("\r\n ", "")
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Prospectus Portal//Compliance calendar//EN\r\n")
    for line in (
        "DTSTAMP:20040101T120000Z",
        "DTSTART;VALUE=DATE:20040219",
        "DTEND;VALUE=DATE:20040220",
        "SUMMARY:Bestnet: Form 10-QSB due\\, a\\; b \\\\ c",
        "DESCRIPTION:Due. Registration No. 333-105026.",
        "URL:https://portal.example/admin/offerings/issuer/1/change/",
        f"UID:{_event('x').uid}",
    ):
        assert line + "\r\n" in unfolded


@pytest.mark.django_db
def test_an_issuer_name_with_a_carriage_return_stays_inside_its_property_in_the_feed(
    client, bestnet, django_user_model
):
    Issuer.objects.update(name="Bestnet\rX-INJECTED:1")  # written past the validators, as old data might be
    counsel = django_user_model.objects.create_user("counsel", password="s3cret-pass-1", is_staff=True)
    counsel.groups.add(Group.objects.get(name="Reviewer"))
    client.force_login(counsel)
    response = client.get(reverse("compliance:calendar_ics"), {"as_of": "2004-01-01"})
    body = response.content.decode()
    assert response.status_code == 200 and "Bestnet\\nX-INJECTED:1" in body.replace("\r\n ", "")
    assert "X-INJECTED" not in _property_names(body)


# -- identifiers are ASCII digits --------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("file_number", [ARABIC_INDIC, FULL_WIDTH])
def test_a_file_number_with_non_ascii_digits_is_refused_by_the_model(file_number):
    assert file_number[4:].isdigit()  # what str.isdigit() and \d would have let through
    registration = factories.RegistrationStatementFactory.build(
        file_number=file_number, issuer=factories.IssuerFactory()
    )
    with pytest.raises(ValidationError) as caught:
        registration.full_clean()
    assert "file_number" in caught.value.message_dict


@pytest.mark.parametrize(
    ("validator", "value"),
    [
        (validators.validate_cik, "\u0667\u0669\u0669\u0666\u0669\u0664"),
        (validators.validate_cik, "\uff17\uff19\uff19"),
        (validators.validate_accession_number, "0000950147-03-\u0660\u0660\u0660\u0668\u0662\u0669"),
        (validators.validate_exchange_act_file_number, "0-\uff11\uff15\uff14\uff18\uff12"),
        (validators.validate_year_month, "\u0662\u0660\u0660\u0663-03"),
        (validators.validate_month_day, "\u0660\u0668-31"),
    ],
)
def test_every_identifier_validator_takes_ascii_digits_only(validator, value):
    with pytest.raises(ValidationError):
        validator(value)


@pytest.mark.django_db
@pytest.mark.parametrize("upgrade", [False, True], ids=["dossier-1", "dossier-2"])
@pytest.mark.parametrize("file_number", [ARABIC_INDIC, FULL_WIDTH])
def test_the_dossier_import_refuses_a_file_number_with_non_ascii_digits(bestnet_data, file_number, upgrade):
    data = copy.deepcopy(bestnet_data)
    data["registration_statement"]["file_number"] = file_number
    if upgrade:
        data = upgrade_v1(data)
    with pytest.raises(DossierError) as caught:
        import_dossier(actor=TEST_ACTOR, data=data)
    assert any("file_number" in p.path for p in caught.value.problems)
    assert not RegistrationStatement.objects.exists()


@pytest.mark.django_db
def test_a_decimal_with_non_ascii_digits_is_refused_by_the_first_dossier_format(bestnet_data):
    data = copy.deepcopy(bestnet_data)
    data["registration_statement"]["stated_proceeds_if_exercised"] = "\u0661\u0662"  # Decimal() would read 12
    with pytest.raises(DossierError) as caught:
        import_dossier(actor=TEST_ACTOR, data=data)
    assert any("stated_proceeds_if_exercised" in p.path for p in caught.value.problems)


@pytest.mark.django_db
@pytest.mark.parametrize("file_number", [ARABIC_INDIC, FULL_WIDTH, "333-105026\n", "333-" + "9" * 5000])
def test_the_offering_page_of_a_file_number_with_non_ascii_digits_is_a_404(client, bestnet, file_number):
    assert client.get(f"/offerings/{file_number}/").status_code == 404
