import datetime
import hashlib
import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from delivery import selectors, tokens
from delivery.models import Delivery, DeliveryEvent, DeliveryStatus, EventKind
from delivery.services.links import create_deliveries, reissue_link, revoke_link
from delivery.services.packages import publish_package
from tests.actors import TEST_ACTOR

from .conftest import make_registration


def issued(package):
    return {link.delivery.recipient_name: link for link in create_deliveries(actor=TEST_ACTOR, package_version=package)}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_personal_page_names_the_investor_lists_the_package_and_records_the_view(client, package):
    link = next(iter(issued(package).values()))
    response = client.get(f"/d/{link.token}/", HTTP_USER_AGENT="TestBrowser/1.0", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert link.delivery.recipient_name in html
    for document in selectors.package_documents(package_version=package):
        assert document.title in html or document.kind == "combined"
        assert document.sha256 in html
        assert f'href="documents/{document.pk}/"' in html  # relative to /d/<token>/
    assert "I have received these documents" in html
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    event = DeliveryEvent.objects.get(delivery=link.delivery, kind=EventKind.PAGE_VIEW)
    assert event.ip_address == "203.0.113.9"
    assert event.user_agent == "TestBrowser/1.0"
    assert event.occurred_at.utcoffset() == datetime.timedelta(0)
    delivery = Delivery.objects.get(pk=link.delivery.pk)
    assert delivery.status == DeliveryStatus.OPENED
    assert delivery.first_opened_at == event.occurred_at


def test_served_bytes_always_equal_the_manifest_sha256(client, package):
    link = next(iter(issued(package).values()))
    for document in selectors.package_documents(package_version=package):
        public = f"/offerings/{package.registration_statement.file_number}/documents/{document.pk}/"
        for url in (f"/d/{link.token}/documents/{document.pk}/", public):
            response = client.get(url)
            assert response.status_code == 200
            data = body(response)
            assert hashlib.sha256(data).hexdigest() == document.sha256
            assert response["Content-Type"] == document.content_type
            assert response["Content-Length"] == str(document.size)
            assert response["Content-Disposition"] == f'attachment; filename="{document.file_name}"'
            assert response["Cache-Control"] == "no-store"
            assert response["X-Content-Type-Options"] == "nosniff"
    downloads = DeliveryEvent.objects.filter(delivery=link.delivery, kind=EventKind.DOWNLOAD)
    assert sorted(downloads.values_list("document_sha256", flat=True)) == sorted(
        d.sha256 for d in selectors.package_documents(package_version=package)
    )


def test_a_document_whose_stored_bytes_changed_is_not_served(client, package):
    link = next(iter(issued(package).values()))
    document = selectors.package_documents(package_version=package)[0]
    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    response = client.get(f"/d/{link.token}/documents/{document.pk}/")
    assert response.status_code == 503
    assert not DeliveryEvent.objects.filter(kind=EventKind.DOWNLOAD).exists()


def test_content_type_comes_from_the_stored_record_not_the_url(client, package):
    link = next(iter(issued(package).values()))
    document = selectors.package_documents(package_version=package)[0]
    response = client.get(f"/d/{link.token}/documents/{document.pk}/?format=html&x=.html")
    assert response["Content-Type"] == "application/pdf"


MALFORMED = [
    "",
    "x",
    "a" * 42,
    "a" * 44,
    "a" * 42 + "=",
    "a" * 42 + "%",
    "a" * 42 + ".",
    "../" * 14 + "a",
    "a" * 42 + "\u00e9",
    "A" * 1000,
    "' OR 1=1 --" + "a" * 32,
]


def test_a_thousand_random_tokens_and_every_malformed_token_get_the_same_404_and_no_document(client, package):
    issued(package)
    document = selectors.package_documents(package_version=package)[0]
    reference = client.get(f"/d/{secrets.token_urlsafe(32)}/")
    assert reference.status_code == 404
    candidates = [secrets.token_urlsafe(32) for _ in range(1000)] + [t for t in MALFORMED if t]
    for token in candidates:
        for url in (f"/d/{token}/", f"/d/{token}/documents/{document.pk}/"):
            response = client.get(url)
            assert response.status_code == 404, url
            assert response.content == reference.content
            assert "Content-Disposition" not in response
    assert client.post(f"/d/{secrets.token_urlsafe(32)}/acknowledge/").content == reference.content
    assert not DeliveryEvent.objects.filter(kind__in=[EventKind.PAGE_VIEW, EventKind.DOWNLOAD]).exists()


@pytest.mark.parametrize("token", [t for t in MALFORMED if t])
def test_malformed_tokens_never_reach_the_database(token, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.delivery_for_token(token=token) is None


def test_a_revoked_link_stops_working_on_the_next_request(client, package):
    link = next(iter(issued(package).values()))
    url = f"/d/{link.token}/"
    assert client.get(url).status_code == 200
    revoke_link(actor=TEST_ACTOR, delivery=link.delivery)
    assert client.get(url).status_code == 404
    assert client.get(url).content == client.get(f"/d/{secrets.token_urlsafe(32)}/").content
    document = selectors.package_documents(package_version=package)[0]
    assert client.get(f"{url}documents/{document.pk}/").status_code == 404
    assert Delivery.objects.get(pk=link.delivery.pk).status == DeliveryStatus.REVOKED


def test_an_expired_link_stops_working_on_the_next_request(client, package):
    link = next(iter(issued(package).values()))
    url = f"/d/{link.token}/"
    assert client.get(url).status_code == 200
    Delivery.objects.filter(pk=link.delivery.pk).update(token_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(url).status_code == 404
    assert client.get(url).content == client.get(f"/d/{secrets.token_urlsafe(32)}/").content


def test_links_expire_after_the_configured_days(settings, package):
    settings.DELIVERY_LINK_DAYS = 7
    link = next(iter(issued(package).values()))
    delivery = Delivery.objects.get(pk=link.delivery.pk)
    assert delivery.token_expires_at - delivery.token_issued_at == datetime.timedelta(days=7)


def test_a_reissued_link_replaces_the_old_one(client, package):
    link = next(iter(issued(package).values()))
    revoke_link(actor=TEST_ACTOR, delivery=link.delivery)
    new_token = reissue_link(actor=TEST_ACTOR, delivery=link.delivery)
    assert client.get(f"/d/{link.token}/").status_code == 404
    assert client.get(f"/d/{new_token}/").status_code == 200
    assert Delivery.objects.get(pk=link.delivery.pk).status == DeliveryStatus.OPENED


def test_only_the_sha256_of_a_token_is_stored(package):
    link = next(iter(issued(package).values()))
    delivery = Delivery.objects.get(pk=link.delivery.pk)
    assert delivery.token_hash == hashlib.sha256(link.token.encode()).hexdigest()
    assert tokens.is_well_formed(link.token)
    for value in Delivery.objects.filter(pk=delivery.pk).values().get().values():
        assert link.token not in str(value)


def test_an_investors_token_never_reaches_another_investors_package(client, db):
    registrations = [make_registration(investors=10), make_registration(investors=10)]
    packages = [publish_package(actor=TEST_ACTOR, registration=r) for r in registrations]
    links = {p.pk: create_deliveries(actor=TEST_ACTOR, package_version=p) for p in packages}
    documents = {p.pk: selectors.package_documents(package_version=p) for p in packages}
    assert sum(len(v) for v in links.values()) == 20
    for package in packages:
        other = next(p for p in packages if p != package)
        for link in links[package.pk]:
            page = client.get(f"/d/{link.token}/").content.decode()
            assert link.delivery.recipient_name in page
            for foreign in documents[other.pk]:
                assert f'"documents/{foreign.pk}/"' not in page
                assert client.get(f"/d/{link.token}/documents/{foreign.pk}/").status_code == 404
            own = documents[package.pk][0]
            assert client.get(f"/d/{link.token}/documents/{own.pk}/").status_code == 200
            for neighbour in links[package.pk]:
                if neighbour is not link:
                    assert neighbour.delivery.recipient_name not in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_page_and_download_queries_do_not_grow_with_the_package_or_the_investors(client, db):
    small = make_registration(investors=1, supplements=1, reports_per_supplement=1)
    large = make_registration(investors=40, supplements=6, reports_per_supplement=3)
    counts = {}
    for name, registration in (("small", small), ("large", large)):
        package = publish_package(actor=TEST_ACTOR, registration=registration)
        link = create_deliveries(actor=TEST_ACTOR, package_version=package)[0]
        document = selectors.package_documents(package_version=package)[-1]
        client.get(f"/d/{link.token}/")  # the first view also sets first_opened_at
        counts[name] = (
            _queries(client, f"/d/{link.token}/"),
            _queries(client, f"/d/{link.token}/documents/{document.pk}/"),
        )
    assert counts["small"] == counts["large"]
    page, download = counts["large"]
    assert page <= 2  # the delivery with its package version, the event INSERT
    assert download <= 2  # the same two; the manifest is kept per process


def test_the_first_view_of_a_package_in_a_process_costs_a_bounded_few_more_queries(
    client, package, django_assert_max_num_queries
):
    first, second = list(issued(package).values())[:2]
    # delivery, registration + issuer, manifest (then kept per process), event INSERT, first-opened UPDATE
    with django_assert_max_num_queries(5):
        assert client.get(f"/d/{first.token}/").status_code == 200
    # another investor's first view: the manifest is already loaded
    with django_assert_max_num_queries(3):
        assert client.get(f"/d/{second.token}/").status_code == 200


def test_acknowledgement_is_recorded_once_and_shown_on_the_page(client, package):
    link = next(iter(issued(package).values()))
    response = client.post(f"/d/{link.token}/acknowledge/", HTTP_USER_AGENT="Phone")
    assert response.status_code == 303
    first = Delivery.objects.get(pk=link.delivery.pk).acknowledged_at
    client.post(f"/d/{link.token}/acknowledge/")
    delivery = Delivery.objects.get(pk=link.delivery.pk)
    assert delivery.acknowledged_at == first
    assert delivery.status == DeliveryStatus.ACKNOWLEDGED
    assert DeliveryEvent.objects.filter(delivery=delivery, kind=EventKind.ACKNOWLEDGED).count() == 1
    page = client.get(f"/d/{link.token}/").content.decode()
    assert "You confirmed on" in page and "I have received these documents" not in page
    assert Delivery.objects.get(pk=link.delivery.pk).status == DeliveryStatus.ACKNOWLEDGED


def test_acknowledgement_needs_a_post(client, package):
    link = next(iter(issued(package).values()))
    assert client.get(f"/d/{link.token}/acknowledge/").status_code == 405
    assert Delivery.objects.get(pk=link.delivery.pk).acknowledged_at is None


def test_the_offering_page_lists_the_current_package_with_sizes_and_hashes(client, package):
    response = client.get(f"/offerings/{package.registration_statement.file_number}/")
    assert response.status_code == 200
    html = response.content.decode()
    for document in selectors.package_documents(package_version=package):
        assert document.sha256 in html
        assert f"documents/{document.pk}/" in html


def test_the_offering_page_of_an_unknown_or_unpublished_registration_is_404(client, registration):
    assert client.get("/offerings/333-999999/").status_code == 404
    assert client.get(f"/offerings/{registration.file_number}/").status_code == 404


def test_the_offering_page_does_not_serve_another_registrations_documents(client, db):
    first, second = make_registration(), make_registration()
    package = publish_package(actor=TEST_ACTOR, registration=second)
    publish_package(actor=TEST_ACTOR, registration=first)
    document = selectors.package_documents(package_version=package)[0]
    assert client.get(f"/offerings/{first.file_number}/documents/{document.pk}/").status_code == 404


def test_an_earlier_versions_link_still_shows_what_it_delivered_and_says_a_newer_one_exists(client, package):
    from delivery import selectors as delivery_selectors

    from .conftest import approved_supplement

    link = next(iter(issued(package).values()))
    registration = package.registration_statement
    approved_supplement(registration.prospectuses.get(), number=2, dated_on=datetime.date(2021, 1, 4))
    publish_package(actor=TEST_ACTOR, registration=registration)
    delivery_selectors._package_views.clear()  # another process, or a minute later
    html = client.get(f"/d/{link.token}/").content.decode()
    assert "A newer version of this package has been published" in html
    assert "Supplement No. 2" not in html
