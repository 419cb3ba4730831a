"""S3-compatible storage (PORTAL_STORAGE=s3) against moto's server on loopback: publishing, freezing, downloading,
and failures that leave nothing behind."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from delivery.models import DeliveryEvent, EventKind, PackageDocument, PackageVersion
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from documents.models import SupplementRendition
from offerings.models import SupplementStatus
from portal import storage as portal_storage
from tests import factories
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration
from tests.workflow import approve_for_test

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_published_package_is_in_the_bucket_byte_exact_private_and_never_linked_with_a_signature(s3):
    version = publish_package(actor=TEST_ACTOR, registration=make_registration())
    documents = list(version.documents.all())
    assert documents
    for document in documents:
        data = s3.read(document.file.name)
        assert hashlib.sha256(data).hexdigest() == document.sha256 and len(data) == document.size
        grants = s3.client.get_object_acl(Bucket=s3.name, Key=document.file.name)["Grants"]
        assert [g["Permission"] for g in grants] == ["FULL_CONTROL"] and "URI" not in grants[0]["Grantee"]
        url = document.file.url
        assert "Signature" not in url and "X-Amz" not in url and "AWSAccessKeyId" not in url


def test_approval_freezes_each_rendition_in_the_bucket_under_its_content_address(s3):
    make_registration()
    renditions = list(SupplementRendition.objects.all())
    assert {r.format for r in renditions} == {"pdf", "html", "txt"}
    for rendition in renditions:
        assert rendition.sha256 in rendition.file.name
        assert hashlib.sha256(s3.read(rendition.file.name)).hexdigest() == rendition.sha256


def test_a_personal_link_download_serves_the_manifest_bytes_from_the_bucket_and_records_it(client, s3):
    version = publish_package(actor=TEST_ACTOR, registration=make_registration(investors=1))
    link = create_deliveries(actor=TEST_ACTOR, package_version=version)[0]
    documents = list(version.documents.all())
    for document in documents:
        response = client.get(f"/d/{link.token}/documents/{document.pk}/")
        assert response.status_code == 200
        assert hashlib.sha256(body(response)).hexdigest() == document.sha256
        assert response["Content-Length"] == str(document.size)
        assert "X-Accel-Redirect" not in response
    recorded = DeliveryEvent.objects.filter(delivery=link.delivery, kind=EventKind.DOWNLOAD)
    assert sorted(recorded.values_list("document_sha256", flat=True)) == sorted(d.sha256 for d in documents)


def test_an_object_changed_in_the_bucket_is_not_served_and_records_nothing(client, s3):
    version = publish_package(actor=TEST_ACTOR, registration=make_registration(investors=1))
    link = create_deliveries(actor=TEST_ACTOR, package_version=version)[0]
    document = version.documents.first()
    s3.client.put_object(Bucket=s3.name, Key=document.file.name, Body=b"tampered")
    response = client.get(f"/d/{link.token}/documents/{document.pk}/")
    assert response.status_code == 503
    assert not DeliveryEvent.objects.filter(kind=EventKind.DOWNLOAD).exists()


def test_a_taken_name_is_never_written_over_even_when_the_existence_check_missed_it(s3, monkeypatch):
    assert default_storage.save("packages/x.txt", ContentFile(b"first")) == "packages/x.txt"
    assert default_storage.save("packages/x.txt", ContentFile(b"second")) != "packages/x.txt"
    # Another machine wrote the name between our check and our PUT: the conditional PUT is refused (412).
    checks = iter([False])
    real_exists = portal_storage.S3Storage.exists
    monkeypatch.setattr(
        portal_storage.S3Storage, "exists", lambda self, name: next(checks, None) or real_exists(self, name)
    )
    third = default_storage.save("packages/x.txt", ContentFile(b"third"))
    assert third != "packages/x.txt" and s3.read(third) == b"third"
    assert s3.read("packages/x.txt") == b"first"


def _fail_on_put(monkeypatch, *, number: int, refuse: bool):
    """The ``number``-th PUT fails: the server refuses it (a bucket that does not exist) or the code raises."""
    real = portal_storage.S3Storage._put_new
    calls = []

    def put(self, name, content):
        calls.append(name)
        if len(calls) != number:
            return real(self, name, content)
        if not refuse:
            raise RuntimeError("injected failure after earlier files were written")
        bucket, self.bucket_name = self.bucket_name, "portal-no-such-bucket"
        try:
            return real(self, name, content)
        finally:
            self.bucket_name = bucket

    monkeypatch.setattr(portal_storage.S3Storage, "_put_new", put)
    return calls


@pytest.mark.parametrize("refuse", [True, False], ids=["server-refuses-a-put", "exception-after-writes"])
def test_a_failed_publish_leaves_no_object_in_the_bucket_and_no_rows(s3, monkeypatch, refuse):
    registration = make_registration()
    before = s3.object_names()
    calls = _fail_on_put(monkeypatch, number=3, refuse=refuse)
    with pytest.raises(Exception):  # noqa: B017 - either the server's ClientError or the injected error
        publish_package(actor=TEST_ACTOR, registration=registration)
    assert len(calls) == 3
    assert s3.object_names() == before
    assert not PackageVersion.objects.exists() and not PackageDocument.objects.exists()


def test_a_publish_failing_after_every_file_was_written_leaves_no_object(s3, monkeypatch):
    registration = make_registration()
    before = s3.object_names()

    def fail(self, *args, **kwargs):
        raise RuntimeError("injected failure after the files were written")

    monkeypatch.setattr(PackageVersion, "full_clean", fail, raising=False)
    monkeypatch.setattr(PackageDocument, "full_clean", fail)
    with pytest.raises(RuntimeError):
        publish_package(actor=TEST_ACTOR, registration=registration)
    assert s3.object_names() == before
    assert not PackageDocument.objects.exists()


def test_a_failed_approval_leaves_no_rendition_object_and_no_rendition_rows(s3, monkeypatch):
    from documents import services

    supplement = factories.SupplementFactory()
    real = services.freeze_supplement

    def freeze_then_fail(**kwargs):
        real(**kwargs)
        raise RuntimeError("injected failure after the renditions were stored")

    monkeypatch.setattr(services, "freeze_supplement", freeze_then_fail)
    with pytest.raises(RuntimeError):
        approve_for_test(supplement)
    assert not {key for key in s3.object_names() if key.startswith("renditions/")}
    assert not SupplementRendition.objects.filter(supplement=supplement).exists()
    supplement.refresh_from_db()
    assert supplement.status != SupplementStatus.APPROVED
