"""Request and upload size limits (issue 12): refused before the body or the file is read, naming the limit."""

import io

import pytest
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from delivery.models import PackageVersion, PublishJob
from offerings.validators import MaxUploadSize
from portal.limits import CHUNK_BYTES, RequestSizeLimitMiddleware
from tests.delivery.conftest import make_registration, pdf_bytes

IMPORT_PAGE = "/admin/delivery/delivery/import-investors/"


class ReadGuard:
    """A request body that fails the test if more than ``allowed`` bytes of it are read."""

    def __init__(self, data: bytes = b"", *, allowed: int = 0):
        self.stream, self.allowed, self.read_bytes = io.BytesIO(data), allowed, 0

    def read(self, size=-1):
        data = self.stream.read(size)
        self.read_bytes += len(data)
        if self.read_bytes > self.allowed:
            raise AssertionError(f"{self.read_bytes} bytes of the body were read")
        return data

    readline = read


def call_wsgi(environ: dict) -> tuple[str, bytes]:
    """The portal's WSGI application on ``environ``: its status line and body."""
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status

    # As Django's test client does: the request must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    try:
        body = b"".join(WSGIHandler()(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
    return seen["status"], body


def post_environ(**extra) -> dict:
    environ = RequestFactory()._base_environ(PATH_INFO=IMPORT_PAGE, REQUEST_METHOD="POST")
    environ.update(CONTENT_TYPE="multipart/form-data; boundary=BoUnDaRy", **extra)
    return environ


def test_a_body_over_the_limit_gets_413_before_any_byte_of_it_is_read(settings):
    settings.PORTAL_REQUEST_MAX_BYTES = 1000
    guard = ReadGuard(b"x" * 5000)
    status, body = call_wsgi(post_environ(CONTENT_LENGTH="5000", **{"wsgi.input": guard}))
    assert status.startswith("413")
    assert body.decode() == (
        "The request body is 5,000 bytes; the limit is 1,000 bytes (0.0 MB, PORTAL_REQUEST_MAX_BYTES). Nothing was "
        "read or stored. Send smaller files, or fewer at a time.\n"
    )
    assert guard.read_bytes == 0


def test_a_chunked_body_without_length_is_counted_and_refused_once_past_the_limit(settings):
    settings.PORTAL_REQUEST_MAX_BYTES = 100_000
    guard = ReadGuard(b"x" * 1_000_000, allowed=100_000 + CHUNK_BYTES)
    status, body = call_wsgi(post_environ(HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": guard}))
    assert status.startswith("413")
    assert b"the limit is 100,000 bytes" in body
    assert guard.read_bytes <= 100_000 + CHUNK_BYTES


def test_a_chunked_body_within_the_limit_reaches_the_view_whole(settings):
    settings.PORTAL_REQUEST_MAX_BYTES = 100_000
    environ = RequestFactory()._base_environ(PATH_INFO="/", REQUEST_METHOD="POST")
    environ.update(
        HTTP_TRANSFER_ENCODING="chunked", CONTENT_TYPE="text/plain", **{"wsgi.input": io.BytesIO(b"a" * 5000)}
    )
    request = WSGIRequest(environ)
    response = RequestSizeLimitMiddleware(lambda request: HttpResponse(str(len(request.body))))(request)
    assert response.content == b"5000"
    assert request._spooled_body.close in response._resource_closers  # the spooled body goes with the response


@pytest.mark.parametrize("header", ["lots", "-1", "1e9"])
def test_a_malformed_content_length_is_a_400(header):
    status, body = call_wsgi(post_environ(CONTENT_LENGTH=header, **{"wsgi.input": ReadGuard()}))
    assert status.startswith("400")
    assert b"is not a number of bytes" in body


class ExplodingUpload:
    size = 30_000_000
    name = "prospectus.pdf"

    def read(self, *args):
        raise AssertionError("the upload was read")


def test_an_upload_is_judged_by_its_size_before_it_is_read(settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 20_000_000
    with pytest.raises(Exception, match=r"The file is 30,000,000 bytes; the limit is 20,000,000 bytes"):
        MaxUploadSize("PORTAL_UPLOAD_MAX_BYTES")(ExplodingUpload())


@pytest.mark.django_db
def test_an_upload_over_its_limit_is_refused_on_the_publish_page_naming_the_field(admin_client, settings):
    registration = make_registration()
    settings.PORTAL_UPLOAD_MAX_BYTES = 1000
    data = pdf_bytes(pages=40)
    assert len(data) > 1000
    url = reverse("admin:delivery_packageversion_publish") + f"?registration={registration.pk}"
    prospectus = registration.prospectuses.get()
    stored_before = prospectus.document.name
    response = admin_client.post(url, {"prospectus_file": SimpleUploadedFile("prospectus.pdf", data), "send": ""})
    assert response.status_code == 200
    problems = response.content.decode().split('id="problems"', 1)[1].split("</div>", 1)[0]
    assert "Nothing was published or stored" in problems
    assert f"The file is {len(data):,} bytes; the limit is 1,000 bytes (PORTAL_UPLOAD_MAX_BYTES)" in problems
    assert "Prospectus dated" in problems  # the field, by its label
    prospectus.refresh_from_db()
    assert prospectus.document.name == stored_before
    assert not PublishJob.objects.exists() and not PackageVersion.objects.exists()


@pytest.mark.django_db
def test_the_publish_command_refuses_a_file_over_the_limit_before_reading_it(settings, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    registration = make_registration()
    settings.PORTAL_UPLOAD_MAX_BYTES = 1000
    path = tmp_path / "prospectus.pdf"
    path.write_bytes(pdf_bytes(pages=40))
    with pytest.raises(CommandError, match=r"--prospectus: .* bytes; the limit is 1,000 bytes"):
        call_command("publish_package", registration.file_number, "--prospectus", str(path))
    assert not PackageVersion.objects.exists()
