"""Issue 14: the dashboard, the calendar (and its feed) and the admin home run a number of queries that does not
grow with the number of registrations, and the findings loaded together are those of the one-registration check."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.selectors import all_findings, findings_for_registration
from delivery.services.packages import publish_package
from offerings.models import HolderTableMode, SupplementStatus
from tests import factories
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration

AS_OF = datetime.date(2020, 9, 1)
PAGES = [
    reverse("compliance:dashboard") + f"?as_of={AS_OF}",
    reverse("compliance:calendar") + f"?as_of={AS_OF}",
    reverse("compliance:calendar_ics") + f"?as_of={AS_OF}",
    reverse("admin:index"),
]


def _records(number: int) -> None:
    """One registration with a supplement in each status, a report, a holder table, a selling stockholder and
    investors; every tenth one (the first included) with a published package and later an approved supplement."""
    if number % 10 == 0:
        registration = make_registration(investors=2)
        publish_package(actor=TEST_ACTOR, registration=registration)
        prospectus = registration.prospectuses.get()
        factories.SupplementFactory(prospectus=prospectus, number=9, status=SupplementStatus.APPROVED)
    else:
        prospectus = factories.ProspectusFactory()
        registration = prospectus.registration_statement
        factories.InvestorFactory(registration_statement=registration)
    issuer = registration.issuer
    factories.PeriodicReportFactory(issuer=issuer)
    for n, status in enumerate(
        [SupplementStatus.DRAFT, SupplementStatus.REVIEW, SupplementStatus.APPROVED, SupplementStatus.FILED], start=2
    ):
        factories.SupplementFactory(
            prospectus=prospectus,
            number=n,
            status=status,
            dated_on=datetime.date(2020, 8, 10 + n),
            first_used_on=datetime.date(2020, 8, 10 + n) if status != SupplementStatus.DRAFT else None,
            filed_on=datetime.date(2020, 8, 20) if status == SupplementStatus.FILED else None,
        )
    security = factories.SecurityFactory(issuer=issuer)
    table = factories.ProspectusHolderTableFactory(
        prospectus=prospectus, security=security, mode=HolderTableMode.RESTATE
    )
    factories.HolderRowFactory(table=table)
    factories.SellingStockholderFactory(registration_statement=registration, email=f"holder{number}@example.com")


def _build(first: int, last: int) -> None:
    for number in range(first, last):
        _records(number)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("counsel", "counsel@example.com", "s3cret-pass-1")
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", PAGES)
def test_the_page_runs_as_many_queries_for_30_registrations_as_for_3(db, staff_client, url):
    _build(0, 3)
    staff_client.get(url)  # the first request loads what the session and the permissions cache
    for_3 = _queries(staff_client, url)
    _build(3, 30)
    for_30 = _queries(staff_client, url)
    assert for_30 == for_3


def test_findings_loaded_together_are_those_of_each_registration_checked_alone(db):
    _build(0, 12)
    together = all_findings(as_of=AS_OF)
    assert len(together) == 12
    assert any(f.code == "PACKAGE_OUT_OF_DATE" for _, findings in together for f in findings)
    assert any(f.code == "DELIVERY_INCOMPLETE" for _, findings in together for f in findings)
    for registration, findings in together:
        assert findings == findings_for_registration(registration=registration, as_of=AS_OF)
