import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from delivery import checks, selectors
from delivery.models import Delivery, DeliveryStatus
from delivery.services.links import create_deliveries
from offerings.models import Investor, RegistrationStatement
from offerings.services.investors import import_investors
from tests import factories
from tests.actors import TEST_ACTOR


def test_a_good_csv_imports_every_row(registration):
    data = 'name,email,postal_address\nAnn Lee,ann@example.com,"1 Main St\nReno, NV"\nPost Only,,"2 Elm St"\n'
    investors = import_investors(actor=TEST_ACTOR, registration=registration, data=data.encode())
    assert [(i.name, i.email, i.postal_address) for i in investors] == [
        ("Ann Lee", "ann@example.com", "1 Main St\nReno, NV"),
        ("Post Only", None, "2 Elm St"),
    ]


def test_a_csv_with_any_bad_row_is_rejected_whole_with_line_numbers(registration):
    existing = registration.investors.first()
    data = (
        "name,email,postal_address\n"
        "Fine,fine@example.com,\n"
        ",noname@example.com,\n"
        "Bad Email,not-an-email,\n"
        "Twice,fine@example.com,\n"
        f"Already,{existing.email.upper()},\n"
        "Nowhere,,\n"
        '"Multi\nline",ml@example.com,x\n'
        "Short row\n"
    )
    before = Investor.objects.count()
    with pytest.raises(ValidationError) as caught:
        import_investors(actor=TEST_ACTOR, registration=registration, data=data)
    problems = caught.value.message_dict["csv"]
    assert problems == [
        "line 3: name is missing.",
        "line 4: email 'not-an-email' is not a valid email address.",
        "line 5: email fine@example.com repeats line 2.",
        f"line 6: email {existing.email.upper()} already belongs to an investor of {registration.file_number}.",
        "line 7: give an email or a postal address.",
        "line 8: name: Remove the control character U+000A (line feed) at character 6: this field is one line of text.",
        "line 10: expected 3 columns, found 1.",
    ]
    assert Investor.objects.count() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"name,mail\nA,a@example.com\n", "missing email; unknown mail"),
        (b"name,email\n", "no investors"),
        (b"\xff\xfe\x00n", "not UTF-8"),
    ],
)
def test_csv_files_with_a_bad_header_or_encoding_are_refused(registration, data, message):
    with pytest.raises(ValidationError, match=message):
        import_investors(actor=TEST_ACTOR, registration=registration, data=data)


def test_import_investors_command_reports_problems_and_imports_nothing(registration, tmp_path):
    path = tmp_path / "investors.csv"
    path.write_text("name,email,postal_address\nA,bad,\n")
    with pytest.raises(CommandError, match="line 2: email 'bad'"):
        call_command("import_investors", registration.file_number, str(path))
    path.write_text("name,email,postal_address\nA,a@example.com,\n")
    call_command("import_investors", registration.file_number, str(path))
    assert registration.investors.filter(email="a@example.com").exists()


def test_selling_stockholders_with_email_receive_the_package_once(package):
    registration = package.registration_statement
    investor = registration.investors.first()
    holder = factories.SellingStockholderFactory(registration_statement=registration, email="holder@example.com")
    factories.SellingStockholderFactory(registration_statement=registration, email=investor.email.upper())
    factories.SellingStockholderFactory(registration_statement=registration, email=None)
    links = create_deliveries(actor=TEST_ACTOR, package_version=package)
    assert len(links) == 4  # three investors and one holder; the holder who is an investor gets theirs
    delivery = Delivery.objects.get(selling_stockholder=holder)
    assert delivery.recipient_email == "holder@example.com"
    assert create_deliveries(actor=TEST_ACTOR, package_version=package) == []


def test_recipients_without_email_get_a_postal_delivery_with_a_link(package):
    registration = package.registration_statement
    factories.InvestorFactory(registration_statement=registration, email=None, postal_address="9 Elm St")
    links = create_deliveries(actor=TEST_ACTOR, package_version=package, send=True)
    postal = next(link for link in links if link.delivery.method == "postal")
    assert postal.token and postal.url.endswith(f"/d/{postal.token}/")
    assert all(link.token is None for link in links if link.delivery.method == "email")


def test_delivery_incomplete_warns_until_every_investor_has_been_delivered_the_current_version(package):
    registration = package.registration_statement
    (finding,) = checks.delivery_incomplete(
        RegistrationStatement, registration=registration, as_of=package.published_at.date()
    )
    assert finding.code == "DELIVERY_INCOMPLETE" and finding.severity == "warning"
    assert finding.data["without_delivery"] == 3
    links = create_deliveries(actor=TEST_ACTOR, package_version=package)
    Delivery.objects.filter(pk__in=[link.delivery.pk for link in links[:2]]).update(status=DeliveryStatus.SENT)
    (finding,) = checks.delivery_incomplete(
        RegistrationStatement, registration=registration, as_of=package.published_at.date()
    )
    assert finding.data == {
        "package_version": 1,
        "recipients": 3,
        "without_delivery": 0,
        "not_delivered": 1,
        "names": [links[2].delivery.recipient_name],
    }
    Delivery.objects.filter(pk=links[2].delivery.pk).update(status=DeliveryStatus.ACKNOWLEDGED)
    assert (
        checks.delivery_incomplete(RegistrationStatement, registration=registration, as_of=package.published_at.date())
        == []
    )


def test_the_delivery_check_is_registered_with_compliance(package):
    from compliance.signals import registration_checked

    responses = registration_checked.send(
        RegistrationStatement, registration=package.registration_statement, as_of=package.published_at.date()
    )
    assert checks.delivery_incomplete in [receiver for receiver, _ in responses]
    findings = [finding for _, result in responses for finding in result]
    assert "DELIVERY_INCOMPLETE" in [finding.code for finding in findings]


def test_a_registration_without_investors_has_no_delivery_finding(db):
    registration = factories.RegistrationStatementFactory()
    assert (
        checks.delivery_incomplete(RegistrationStatement, registration=registration, as_of=registration.filed_on) == []
    )
    assert selectors.coverage(registration=registration).recipients == 0


def test_delivery_incomplete_as_of_a_day_before_publication_reports_no_package(package):
    import datetime

    day_before = package.published_at.date() - datetime.timedelta(days=1)
    (finding,) = checks.delivery_incomplete(
        RegistrationStatement, registration=package.registration_statement, as_of=day_before
    )
    assert finding.data["package_version"] is None
    assert "No prospectus package has been published" in finding.message
