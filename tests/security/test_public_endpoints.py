"""Public endpoints (issue 12): the rate limit of the links per client address with its evidence, one
acknowledgement per delivery with a bounded body and a same-origin check, HEAD requests that record nothing."""

import hashlib
import logging
import secrets

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from delivery import throttle
from delivery.models import Delivery, DeliveryEvent, EventKind
from delivery.services import evidence
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from delivery.views import origin_of
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration

LIMIT = 3


@pytest.fixture(autouse=True)
def _fresh_counts():
    """Each test counts from zero: the counters live in the (per-process) default cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def package(db):
    return publish_package(actor=TEST_ACTOR, registration=make_registration(investors=2))


@pytest.fixture
def link(package):
    return create_deliveries(actor=TEST_ACTOR, package_version=package)[0]


@pytest.fixture
def low_limit(settings):
    settings.PORTAL_LINK_RATE_LIMIT = f"{LIMIT}/m"
    return LIMIT


def events(delivery, kind) -> int:
    return DeliveryEvent.objects.filter(delivery=delivery, kind=kind).count()


# Rate limit


def test_a_client_past_the_rate_limit_gets_429_with_retry_after_and_a_plain_page(client, link, low_limit):
    for _ in range(low_limit):
        assert client.get(f"/d/{link.token}/").status_code == 200
    refused = client.get(f"/d/{link.token}/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Content-Type"].startswith("text/plain")
    assert b"Too many requests" in refused.content
    assert refused["Cache-Control"] == "no-store"
    assert events(link.delivery, EventKind.PAGE_VIEW) == low_limit  # the refused view is not a view


def test_the_limit_counts_pages_downloads_acknowledgements_and_offering_pages_together(client, link, low_limit):
    document = link.delivery.package_version.documents.first()
    file_number = link.delivery.package_version.registration_statement.file_number
    assert client.get(f"/offerings/{file_number}/").status_code == 200
    assert client.get(f"/d/{link.token}/documents/{document.pk}/").status_code == 200
    assert client.post(f"/d/{link.token}/acknowledge/").status_code == 303
    for url in (f"/offerings/{file_number}/", f"/offerings/{file_number}/documents/{document.pk}/"):
        assert client.get(url).status_code == 429
    assert client.post(f"/d/{link.token}/acknowledge/").status_code == 429


def test_the_limit_is_per_client_address(client, link, low_limit):
    for _ in range(low_limit + 1):
        client.get(f"/d/{link.token}/", REMOTE_ADDR="203.0.113.1")
    assert client.get(f"/d/{link.token}/", REMOTE_ADDR="203.0.113.1").status_code == 429
    assert client.get(f"/d/{link.token}/", REMOTE_ADDR="203.0.113.2").status_code == 200


def test_the_client_address_comes_from_x_forwarded_for_only_when_trusted(client, link, low_limit, settings):
    settings.DELIVERY_TRUST_X_FORWARDED_FOR = True
    for _ in range(low_limit):
        client.get(f"/d/{link.token}/", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.1")
    assert client.get(f"/d/{link.token}/", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert client.get(f"/d/{link.token}/", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200
    settings.DELIVERY_TRUST_X_FORWARDED_FOR = False
    assert client.get(f"/d/{link.token}/", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 200  # REMOTE_ADDR's


def test_an_ipv6_client_counts_by_its_64_prefix():
    assert throttle.client_bucket("2001:db8:1:2:aaaa::1") == throttle.client_bucket("2001:db8:1:2:bbbb::2")
    assert throttle.client_bucket("2001:db8:1:3::1") != throttle.client_bucket("2001:db8:1:2::1")
    assert throttle.client_bucket(None) == "unknown"


def test_a_refusal_on_a_valid_link_is_evidence_once_per_window(client, link, low_limit):
    for _ in range(low_limit):
        client.get(f"/d/{link.token}/")
    for _ in range(20):
        assert client.get(f"/d/{link.token}/", HTTP_USER_AGENT="Flood/1.0").status_code == 429
    refused = DeliveryEvent.objects.get(delivery=link.delivery, kind=EventKind.RATE_LIMITED)
    assert refused.ip_address == "127.0.0.1"
    assert refused.user_agent == "Flood/1.0"
    assert "429 on the personal page" in refused.detail and f"{low_limit}/m" in refused.detail
    assert link.token not in refused.detail
    cache.clear()  # the next window
    for _ in range(low_limit + 1):
        client.get(f"/d/{link.token}/")
    assert events(link.delivery, EventKind.RATE_LIMITED) == 2


def test_a_refusal_on_an_unknown_token_is_logged_by_a_hash_prefix_never_the_token(client, db, low_limit, caplog):
    token = secrets.token_urlsafe(32)
    with caplog.at_level(logging.WARNING, logger="delivery.security"):
        for _ in range(low_limit + 10):
            client.get(f"/d/{token}/")
    lines = [r.getMessage() for r in caplog.records if r.name == "delivery.security"]
    assert len(lines) == 1
    assert hashlib.sha256(token.encode()).hexdigest()[: throttle.TOKEN_HASH_SHOWN] in lines[0]
    refusals = [r.getMessage() for r in caplog.records if "too many requests" in r.getMessage().lower()]
    assert refusals == lines  # django.request does not log each 429 with the token in its path
    assert token not in lines[0]
    assert not DeliveryEvent.objects.filter(kind=EventKind.RATE_LIMITED).exists()


def test_a_refused_offering_page_is_logged(client, package, low_limit, caplog):
    file_number = package.registration_statement.file_number
    with caplog.at_level(logging.WARNING, logger="delivery.security"):
        for _ in range(low_limit + 1):
            client.get(f"/offerings/{file_number}/")
    assert any("public offering page" in r.getMessage() for r in caplog.records if r.name == "delivery.security")


def test_an_empty_rate_limit_switches_the_limit_off(client, link, settings):
    settings.PORTAL_LINK_RATE_LIMIT = ""
    for _ in range(10):
        assert client.get(f"/d/{link.token}/").status_code == 200


def test_a_malformed_rate_limit_setting_is_named(settings, rf):
    from django.core.exceptions import ImproperlyConfigured

    from delivery import conf

    settings.PORTAL_LINK_RATE_LIMIT = "sixty a minute"
    with pytest.raises(ImproperlyConfigured, match="PORTAL_LINK_RATE_LIMIT"):
        conf.link_rate_limit()


# Acknowledgement


def test_a_replayed_acknowledgement_changes_nothing(client, link):
    url = f"/d/{link.token}/acknowledge/"
    first = client.post(url, HTTP_USER_AGENT="Phone")
    delivery = Delivery.objects.get(pk=link.delivery.pk)
    event = DeliveryEvent.objects.get(delivery=delivery, kind=EventKind.ACKNOWLEDGED)
    for _ in range(3):
        again = client.post(url, HTTP_USER_AGENT="Replay")
        assert again.status_code == first.status_code == 303
        assert again["Location"] == first["Location"]
    after = Delivery.objects.get(pk=link.delivery.pk)
    assert events(delivery, EventKind.ACKNOWLEDGED) == 1
    assert DeliveryEvent.objects.get(delivery=delivery, kind=EventKind.ACKNOWLEDGED) == event
    assert event.user_agent == "Phone"
    assert (after.acknowledged_at, after.first_opened_at, after.status) == (
        delivery.acknowledged_at,
        delivery.first_opened_at,
        delivery.status,
    )


def test_the_service_records_one_acknowledgement_even_from_a_stale_delivery(link):
    stale = Delivery.objects.get(pk=link.delivery.pk)
    evidence.acknowledge(delivery=Delivery.objects.get(pk=link.delivery.pk), ip_address=None, user_agent="")
    evidence.acknowledge(delivery=stale, ip_address=None, user_agent="")  # acknowledged_at not yet seen by it
    assert events(link.delivery, EventKind.ACKNOWLEDGED) == 1


def test_of_two_acknowledgements_at_once_the_constraint_keeps_one(link, monkeypatch):
    evidence.acknowledge(delivery=Delivery.objects.get(pk=link.delivery.pk), ip_address=None, user_agent="")
    real = evidence._acknowledged
    checks = []

    def not_seen_at_first(delivery):  # the other request's INSERT lands between the check and ours
        checks.append(delivery)
        return real(delivery) if len(checks) > 1 else False

    monkeypatch.setattr(evidence, "_acknowledged", not_seen_at_first)
    stale = Delivery.objects.get(pk=link.delivery.pk)
    stale.acknowledged_at = None
    assert evidence.acknowledge(delivery=stale, ip_address=None, user_agent="") is stale
    assert len(checks) == 2
    assert events(link.delivery, EventKind.ACKNOWLEDGED) == 1


def test_the_database_refuses_a_second_acknowledgement_event(link):
    evidence.acknowledge(delivery=link.delivery, ip_address=None, user_agent="")
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryEvent.objects.create(delivery=link.delivery, kind=EventKind.ACKNOWLEDGED, occurred_at=timezone.now())


def test_an_acknowledgement_body_over_the_limit_gets_413_and_records_nothing(client, link, settings):
    settings.PORTAL_ACKNOWLEDGE_MAX_BYTES = 1024
    response = client.post(
        f"/d/{link.token}/acknowledge/", data=b"x" * 1025, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert b"1,024" in response.content
    assert events(link.delivery, EventKind.ACKNOWLEDGED) == 0
    small = client.post(f"/d/{link.token}/acknowledge/", data=b"x" * 1024, content_type="application/octet-stream")
    assert small.status_code == 303


def test_a_malformed_acknowledgement_content_length_is_a_400(rf, link):
    from delivery.views import acknowledge

    for header in ("9" * 5000, "-1", "1e3"):
        request = rf.post(f"/d/{link.token}/acknowledge/", CONTENT_LENGTH=header)
        assert acknowledge(request, token=link.token).status_code == 400, header
    assert events(link.delivery, EventKind.ACKNOWLEDGED) == 0


def test_an_acknowledgement_from_a_foreign_origin_gets_403(client, link):
    for origin in ("https://evil.example", "http://127.0.0.1.evil.example:8000", "http://testserver:8080", "x"):
        response = client.post(f"/d/{link.token}/acknowledge/", HTTP_ORIGIN=origin)
        assert response.status_code == 403, origin
        assert b"another site" in response.content
    for site in ("cross-site", "same-site"):  # a sandboxed frame or a no-referrer page elsewhere
        response = client.post(f"/d/{link.token}/acknowledge/", HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE=site)
        assert response.status_code == 403, site
    assert events(link.delivery, EventKind.ACKNOWLEDGED) == 0


def test_an_acknowledgement_from_the_personal_page_with_its_no_referrer_policy_is_allowed(client, link):
    # Browsers send Origin: null from a page with Referrer-Policy: no-referrer; Sec-Fetch-Site still says whence.
    response = client.post(f"/d/{link.token}/acknowledge/", HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 303
    assert events(link.delivery, EventKind.ACKNOWLEDGED) == 1


@pytest.mark.parametrize("origin", ["http://testserver", "HTTP://TestServer:80", "http://127.0.0.1:8000"])
def test_an_acknowledgement_from_the_portal_s_own_origin_is_allowed(client, link, settings, origin):
    settings.DELIVERY_BASE_URL = "http://127.0.0.1:8000"
    assert client.post(f"/d/{link.token}/acknowledge/", HTTP_ORIGIN=origin).status_code == 303
    assert events(link.delivery, EventKind.ACKNOWLEDGED) == 1


def test_an_acknowledgement_without_an_origin_header_is_allowed(client, link):
    assert client.post(f"/d/{link.token}/acknowledge/").status_code == 303


def test_origins_compare_by_scheme_host_and_port():
    assert origin_of("https://Portal.Example:443") == "https://portal.example"
    assert origin_of("http://[::1]:8000") == "http://[::1]:8000"
    assert origin_of("null") is None
    assert origin_of("https://portal.example/path") is None
    assert origin_of("https://portal.example:99999") is None


# HEAD


def test_head_requests_are_answered_but_record_no_view_or_download(client, link):
    document = link.delivery.package_version.documents.first()
    assert client.head(f"/d/{link.token}/").status_code == 200
    assert client.head(f"/d/{link.token}/documents/{document.pk}/").status_code == 200
    assert not DeliveryEvent.objects.filter(
        delivery=link.delivery, kind__in=[EventKind.PAGE_VIEW, EventKind.DOWNLOAD]
    ).exists()
    assert Delivery.objects.get(pk=link.delivery.pk).first_opened_at is None
    assert client.get(f"/d/{link.token}/").status_code == 200
    assert events(link.delivery, EventKind.PAGE_VIEW) == 1


def test_a_download_answers_only_get_and_head(client, link):
    document = link.delivery.package_version.documents.first()
    assert client.put(f"/d/{link.token}/documents/{document.pk}/").status_code == 405
    assert not DeliveryEvent.objects.filter(delivery=link.delivery, kind=EventKind.DOWNLOAD).exists()


def test_the_migration_keeps_repeated_acknowledgements_as_acknowledged_again(link, package):
    """Migration 0004: the acknowledgements recorded before the rule stay, all but the first relabelled."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("delivery.migrations.0004_one_acknowledgement_and_rate_limits")
    with connection.cursor() as cursor:  # the state before the migration (rolled back with the test)
        cursor.execute('DROP INDEX "delivery_event_one_acknowledgement"')
    other = Delivery.objects.filter(package_version=package).exclude(pk=link.delivery.pk).first()
    times = [timezone.now() - timezone.timedelta(minutes=m) for m in (30, 20, 10)]
    for occurred_at in times:
        DeliveryEvent.objects.create(delivery=link.delivery, kind=EventKind.ACKNOWLEDGED, occurred_at=occurred_at)
    DeliveryEvent.objects.create(delivery=other, kind=EventKind.ACKNOWLEDGED, occurred_at=times[0])

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.keep_first_acknowledgement(apps, editor)
    kept = DeliveryEvent.objects.get(delivery=link.delivery, kind=EventKind.ACKNOWLEDGED)
    assert kept.occurred_at == times[0]
    assert events(link.delivery, EventKind.ACKNOWLEDGED_AGAIN) == 2
    assert events(other, EventKind.ACKNOWLEDGED) == 1
