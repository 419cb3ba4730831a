"""Package out of date: a deliverable document the current version lacks is flagged in the check, the admin and
(without naming it) on the public page."""

from django.urls import reverse

from delivery import checks, selectors
from delivery.services.packages import publish_package
from offerings.models import RegistrationStatement
from tests import factories
from tests.actors import TEST_ACTOR

from .conftest import approved_supplement


def _later_supplement(registration, number=2):
    return approved_supplement(registration.prospectuses.get(), number=number)


def test_a_published_package_with_nothing_new_is_up_to_date(package):
    assert selectors.package_out_of_date(registration=package.registration_statement) is None


def test_a_supplement_approved_after_publishing_makes_the_package_out_of_date(package):
    registration = package.registration_statement
    supplement = _later_supplement(registration)
    reason = selectors.package_out_of_date(registration=registration)
    assert reason.startswith(f"{selectors.supplement_title(supplement)} was approved after package v1")


def test_a_draft_supplement_does_not_make_the_package_out_of_date(package):
    factories.SupplementFactory(prospectus=package.prospectus, number=2)
    assert selectors.package_out_of_date(registration=package.registration_statement) is None


def test_publishing_the_next_version_brings_the_package_up_to_date(package):
    registration = package.registration_statement
    _later_supplement(registration)
    publish_package(actor=TEST_ACTOR, registration=registration)
    assert selectors.package_out_of_date(registration=registration) is None


def test_no_published_package_is_not_out_of_date_but_delivery_incomplete(registration):
    assert selectors.package_out_of_date(registration=registration) is None


def test_the_check_reports_package_out_of_date_as_a_warning_naming_the_action(package):
    registration = package.registration_statement
    _later_supplement(registration)
    (finding,) = checks.package_out_of_date(RegistrationStatement, registration=registration, as_of=None)
    assert finding.code == "PACKAGE_OUT_OF_DATE" and finding.severity == "warning"
    assert "publish the next version" in finding.message and finding.data["package_version"] == 1


def test_the_compliance_check_reports_package_out_of_date_through_registration_checked(package):
    from compliance.signals import registration_checked

    registration = package.registration_statement
    _later_supplement(registration)
    responses = registration_checked.send(RegistrationStatement, registration=registration, as_of=None)
    codes = [finding.code for _, findings in responses for finding in findings]
    assert "PACKAGE_OUT_OF_DATE" in codes


def test_the_admin_shows_the_out_of_date_state_with_a_button_to_publish(admin_client, package):
    registration = package.registration_statement
    _later_supplement(registration)
    publish = reverse("admin:delivery_packageversion_publish") + f"?registration={registration.pk}"
    changelist = admin_client.get(reverse("admin:delivery_packageversion_changelist")).content.decode()
    change = admin_client.get(reverse("admin:delivery_packageversion_change", args=[package.pk])).content.decode()
    for page in (changelist, change):
        assert "Out of date:" in page and publish.replace("&", "&amp;") in page


def test_an_earlier_version_is_shown_as_superseded(admin_client, package):
    registration = package.registration_statement
    _later_supplement(registration)
    publish_package(actor=TEST_ACTOR, registration=registration)
    page = admin_client.get(reverse("admin:delivery_packageversion_change", args=[package.pk])).content.decode()
    assert "Superseded by v2" in page


def test_the_public_page_of_an_out_of_date_package_gives_its_date_and_names_nothing_unpublished(client, package):
    registration = package.registration_statement
    supplement = _later_supplement(registration)
    url = reverse("delivery:offering", args=[registration.file_number])
    page = client.get(url).content.decode()
    assert "The prospectus package as published on" in page and "The current prospectus package" not in page
    assert selectors.supplement_title(supplement) not in page
