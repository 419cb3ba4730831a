"""The investors' hot path through delivery.prepared (issue 14): the compiled lookup and insert give what the ORM
gives, on every database the suite runs on."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from delivery import selectors, tokens
from delivery.models import Delivery, DeliveryEvent, EventKind
from delivery.services import evidence
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration


@pytest.fixture
def link(db):
    package = publish_package(actor=TEST_ACTOR, registration=make_registration(investors=2))
    return create_deliveries(actor=TEST_ACTOR, package_version=package)[0]


def fields(instance) -> dict:
    return {key: value for key, value in instance.__dict__.items() if not key.startswith("_")}


def test_the_compiled_link_lookup_loads_what_the_orm_loads_in_one_query(link):
    with CaptureQueriesContext(connection) as queries:
        found = selectors.delivery_for_token(token=link.token)
        version = found.package_version
    assert len(queries) == 1
    expected = selectors.live_link_queryset(tokens.token_hash(link.token)).get()
    assert fields(found) == fields(expected)
    assert fields(version) == fields(expected.package_version)
    assert found.token_expires_at.tzinfo is not None
    assert not found._state.adding


def test_the_compiled_lookup_finds_no_revoked_expired_or_unknown_link(link):
    assert selectors.delivery_for_token(token=tokens.new_token()) is None
    Delivery.objects.filter(pk=link.delivery.pk).update(token_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert selectors.delivery_for_token(token=link.token) is None
    Delivery.objects.filter(pk=link.delivery.pk).update(
        token_expires_at=timezone.now() + datetime.timedelta(days=1), revoked_at=timezone.now()
    )
    assert selectors.delivery_for_token(token=link.token) is None


def test_an_evidence_row_reads_back_as_saved(link):
    document = link.delivery.package_version.documents.first()
    event = evidence.record_event(
        delivery=link.delivery,
        kind=EventKind.DOWNLOAD,
        ip_address="2001:db8::1",
        user_agent="Mozilla/5.0 " + "x" * 600,
        document=document,
    )
    stored = DeliveryEvent.objects.get(pk=event.pk)
    assert fields(stored) == fields(event)
    assert stored.occurred_at == event.occurred_at and stored.occurred_at.tzinfo is not None
    assert stored.ip_address == "2001:db8::1"
    assert len(stored.user_agent) == 500
    assert stored.document_sha256 == document.sha256


def test_the_benchmarks_floor_views_do_the_pages_required_work_and_nothing_else(link, client, settings):
    """benchmarks/serving.py compares the page with these: a lookup and an evidence row (and the rate limit)."""
    settings.ROOT_URLCONF = "benchmarks.bench_urls"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/bench/floor/{link.token}/")
    assert (response.status_code, response.content) == (200, b"ok")
    assert [q["sql"].split()[0] for q in queries] == ["SELECT", "INSERT", "UPDATE"]  # first open sets the time
    assert client.get(f"/bench/floor-limited/{link.token}/").status_code == 200
    assert DeliveryEvent.objects.filter(delivery=link.delivery, kind=EventKind.PAGE_VIEW).count() == 2
    assert client.get(f"/bench/floor/{tokens.new_token()}/").status_code == 404
