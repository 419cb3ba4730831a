"""Deliveries to thousands of investors are written in bulk: queries do not grow with recipients, each
delivery has its audit entry, and the email notices are queued in batches."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import LogEntry
from delivery.models import Delivery
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from offerings.models import Investor
from tests.actors import TEST_ACTOR

from .conftest import make_registration

pytestmark = pytest.mark.django_db


def _version(investors: int):
    registration = make_registration(investors=0)
    Investor.objects.bulk_create(
        [
            Investor(registration_statement=registration, name=f"Investor {n}", email=f"investor{n}@example.com")
            for n in range(investors)
        ]
    )
    return publish_package(actor=TEST_ACTOR, registration=registration)


def _queries(investors: int) -> int:
    version = _version(investors)
    with CaptureQueriesContext(connection) as context:
        create_deliveries(actor=TEST_ACTOR, package_version=version, send=False)
    return len(context.captured_queries)


def test_creating_deliveries_for_10_or_100_investors_takes_the_same_number_of_queries():
    _queries(1)  # the first call also fills Django's caches
    assert _queries(100) - _queries(10) <= 4


def test_every_bulk_created_delivery_has_its_audit_entry_naming_the_actor():
    version = _version(25)
    create_deliveries(actor=TEST_ACTOR, package_version=version, send=False)
    pks = {str(pk) for pk in Delivery.objects.filter(package_version=version).values_list("pk", flat=True)}
    entries = LogEntry.objects.filter(content_type__model="delivery", object_pk__in=pks)
    assert len(pks) == 25
    assert {e.object_pk for e in entries} == pks
    assert {e.actor_name for e in entries} == {"command pytest"}


def test_the_notices_of_250_deliveries_are_queued_as_a_few_batches_not_one_task_each():
    version = _version(250)
    with transaction.atomic():
        before = len(connection.run_on_commit)
        create_deliveries(actor=TEST_ACTOR, package_version=version, send=True)
        enqueues = len(connection.run_on_commit) - before
        transaction.set_rollback(True)
    assert 1 <= enqueues <= 25
