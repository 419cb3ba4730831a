"""Downloads that do not tie up a worker: verification in chunks with a new handle per request, many threads at
once, and X-Accel-Redirect to nginx when PORTAL_DOWNLOAD_ACCEL_PREFIX is set."""

import hashlib
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.test import Client

from delivery.models import DeliveryEvent, EventKind
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from offerings import files
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _published(investors: int = 1):
    version = publish_package(actor=TEST_ACTOR, registration=make_registration(investors=investors))
    link = create_deliveries(actor=TEST_ACTOR, package_version=version)[0]
    return version, link


class _Recording:
    """A file handle that records each read's size."""

    def __init__(self, data: bytes):
        import io

        self._data, self.reads = io.BytesIO(data), []

    def read(self, size=-1):
        self.reads.append(size)
        return self._data.read(size)


def test_verification_reads_in_chunks_never_the_whole_file_at_once():
    data = b"x" * (3 * files.CHUNK_BYTES + 5)
    handle = _Recording(data)
    assert files._hash_stream(handle) == (hashlib.sha256(data).hexdigest(), len(data))
    assert handle.reads and set(handle.reads) == {files.CHUNK_BYTES}


@pytest.mark.django_db
def test_each_verified_open_is_a_new_handle(package_document_on_disk):
    document = package_document_on_disk
    kwargs = {"storage": document.file.storage, "name": document.file.name, "sha256": document.sha256}
    first, second = files.open_verified(**kwargs), files.open_verified(**kwargs)
    try:
        assert first is not second and first.file is not second.file
        first.read(10)
        assert second.tell() == 0
    finally:
        first.close()
        second.close()


@pytest.fixture
def package_document_on_disk(db):
    version, _ = _published()
    return version.documents.order_by("-size").first()


def _download_concurrently(url: str, threads: int) -> list[bytes]:
    bodies, errors = [], []
    start = threading.Barrier(threads)

    def download():
        try:
            start.wait()
            response = Client().get(url)
            if response.status_code == 200:
                bodies.append(body(response))
            response.close()
        except Exception as error:  # counted below: only complete responses must have evidence
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=download) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return bodies, errors


@pytest.mark.parametrize("backend", ["filesystem", pytest.param("s3", marks=pytest.mark.s3)])
@pytest.mark.django_db(transaction=True)
def test_many_threads_downloading_one_document_each_get_the_exact_bytes_and_one_download_event(backend, request):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's shared in-memory test database refuses concurrent writers ('table is locked')")
    if backend == "s3":
        request.getfixturevalue("s3")
    version, link = _published()
    document = version.documents.order_by("-size").first()
    bodies, errors = _download_concurrently(f"/d/{link.token}/documents/{document.pk}/", threads=12)
    assert bodies, errors
    assert all(hashlib.sha256(data).hexdigest() == document.sha256 for data in bodies)
    downloads = DeliveryEvent.objects.filter(delivery=link.delivery, kind=EventKind.DOWNLOAD)
    assert downloads.count() == len(bodies)
    assert len(bodies) + len(errors) == 12


def test_with_an_accel_prefix_the_portal_checks_the_file_and_nginx_sends_it(client, db, settings):
    settings.PORTAL_DOWNLOAD_ACCEL_PREFIX = "/_protected/"
    version, link = _published()
    for document in version.documents.all():
        response = client.get(f"/d/{link.token}/documents/{document.pk}/")
        assert response.status_code == 200
        assert not response.streaming and response.content == b""
        accel = response["X-Accel-Redirect"]
        assert accel.startswith("/_protected/")
        # nginx's `location /_protected/ { internal; alias <MEDIA_ROOT>/; }` finds exactly the manifest's bytes.
        served = Path(django_settings.MEDIA_ROOT) / unquote(accel.removeprefix("/_protected/"))
        assert hashlib.sha256(served.read_bytes()).hexdigest() == document.sha256
        assert response["Content-Type"] == document.content_type
        assert response["Content-Disposition"] == f'attachment; filename="{document.file_name}"'
        assert response.get("Content-Length") in (None, "0")
        assert response["Content-Security-Policy"] == "sandbox"
        assert response["Cache-Control"] == "no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
    downloads = DeliveryEvent.objects.filter(delivery=link.delivery, kind=EventKind.DOWNLOAD)
    assert downloads.count() == version.documents.count()


def test_with_an_accel_prefix_a_changed_file_still_gets_503_and_no_evidence(client, db, settings):
    settings.PORTAL_DOWNLOAD_ACCEL_PREFIX = "/_protected/"
    version, link = _published()
    document = version.documents.first()
    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    response = client.get(f"/d/{link.token}/documents/{document.pk}/")
    assert response.status_code == 503 and "X-Accel-Redirect" not in response
    assert not DeliveryEvent.objects.filter(kind=EventKind.DOWNLOAD).exists()


@pytest.mark.s3
def test_with_an_accel_prefix_and_s3_the_portal_streams_the_download_itself(client, db, settings, s3):
    settings.PORTAL_DOWNLOAD_ACCEL_PREFIX = "/_protected/"
    version, link = _published()
    document = version.documents.first()
    response = client.get(f"/d/{link.token}/documents/{document.pk}/")
    assert response.status_code == 200 and "X-Accel-Redirect" not in response
    assert hashlib.sha256(body(response)).hexdigest() == document.sha256


def test_an_unchanged_settled_file_is_hashed_once_then_checked_by_its_stat(package_document_on_disk, monkeypatch):
    """A download to nginx costs a stat, whatever the file's size, once the file has hashed correctly."""
    document = package_document_on_disk
    kwargs = {"storage": document.file.storage, "name": document.file.name, "sha256": document.sha256}
    monkeypatch.setattr(files, "SETTLED_SECONDS", -1e9)  # the file written just now counts as settled
    files.check_verified(**kwargs)
    opened = []
    real_open = files.open_verified
    monkeypatch.setattr(files, "open_verified", lambda **kw: opened.append(kw) or real_open(**kw))
    for _ in range(3):
        files.check_verified(**kwargs)
    assert opened == []


def test_a_file_rewritten_with_the_same_size_after_its_check_is_refused(package_document_on_disk, monkeypatch):
    """Any write gives the file a new change time, so the remembered check no longer applies."""
    document = package_document_on_disk
    kwargs = {"storage": document.file.storage, "name": document.file.name, "sha256": document.sha256}
    monkeypatch.setattr(files, "SETTLED_SECONDS", -1e9)
    files.check_verified(**kwargs)
    path = document.file.path
    data = Path(path).read_bytes()
    time.sleep(0.05)  # past the kernel's file-clock tick
    Path(path).write_bytes(bytes([data[0] ^ 1]) + data[1:])
    with pytest.raises(files.StoredFileIntegrityError):
        files.check_verified(**kwargs)


def test_a_file_changed_moments_ago_is_hashed_on_every_check(package_document_on_disk, monkeypatch):
    document = package_document_on_disk
    kwargs = {"storage": document.file.storage, "name": document.file.name, "sha256": document.sha256}
    opened = []
    real_open = files.open_verified
    monkeypatch.setattr(files, "open_verified", lambda **kw: opened.append(kw) or real_open(**kw))
    files.check_verified(**kwargs)
    files.check_verified(**kwargs)
    assert len(opened) == 2  # written by the publish just now: not yet settled, never remembered


def test_a_missing_file_is_refused_by_name_not_an_error(package_document_on_disk):
    document = package_document_on_disk
    Path(document.file.path).unlink()
    with pytest.raises(files.StoredFileIntegrityError, match="missing"):
        files.check_verified(storage=document.file.storage, name=document.file.name, sha256=document.sha256)
