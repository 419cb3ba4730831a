"""The hostile-input corpus (issue 12): every input here gets a clear 4xx or a named refusal, never a 500.

Each case runs under ``tracemalloc`` with its input built beforehand: what the portal allocates to refuse it
must stay under ``MEMORY_BOUND`` (64 MiB; the largest input, a 20 MB dossier, is held outside the measurement).
No case may leave a file behind: the media directory and the temporary directory hold the same files before
and after. A refusal is either a 4xx status or, on an admin form page (200, as Django's admin answers an
invalid form), the page naming the problem; a command or service refusal is a named exception.
"""

import functools
import io
import json
import tempfile
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from delivery.models import EventKind, PublishJob
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from offerings.dossier.importer import import_dossier_bytes
from offerings.dossier.schema import DossierError
from offerings.models import Issuer, RegistrationStatement
from offerings.services.investors import import_investors
from tests import factories
from tests.actors import TEST_ACTOR
from tests.conftest import BESTNET_DOSSIER
from tests.delivery.conftest import make_registration

MEMORY_BOUND = 64 * 1024 * 1024
MiB = 1024 * 1024


@dataclass
class World:
    staff: Client
    anonymous: Client
    media: Path
    tmp: Path

    @functools.cached_property
    def _published(self) -> tuple[RegistrationStatement, str]:
        """A registration with a published package and an investor's personal link (built when a case needs it)."""
        registration = make_registration(investors=2)
        version = publish_package(actor=TEST_ACTOR, registration=registration)
        link = create_deliveries(actor=TEST_ACTOR, package_version=version)[0]
        return registration, link.token

    @functools.cached_property
    def bare_registration(self) -> RegistrationStatement:
        """A registration with no package (for the investor imports)."""
        return factories.RegistrationStatementFactory()

    @property
    def registration(self) -> RegistrationStatement:
        return self._published[0]

    @property
    def token(self) -> str:
        return self._published[1]


@dataclass(frozen=True)
class Refused:
    """What the portal answered: an HTTP status and body, or the text of a named exception."""

    status: int | None
    text: str


CASES: dict[str, Callable[[World], Callable[[], object]]] = {}


def case(name: str):
    """Register a case: the function builds its input and returns the call to measure."""

    def register(build):
        CASES[name] = build
        return build

    return register


def answer(result) -> Refused:
    if isinstance(result, Refused):
        return result
    body = b"".join(result.streaming_content) if getattr(result, "streaming", False) else result.content
    return Refused(result.status_code, body.decode("utf-8", errors="replace"))


def refusal(call: Callable[[], object], *errors: type[BaseException]) -> Callable[[], Refused]:
    """The call, its named exception turned into a refusal (any other exception fails the case)."""

    def run():
        try:
            call()
        except errors as error:
            return Refused(None, f"{type(error).__name__}: {error}")
        return Refused(None, "ACCEPTED")

    return run


def dossier_text(**changes) -> dict:
    data = json.loads(BESTNET_DOSSIER.read_text())
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return data


def dossier_import(raw: bytes | str):
    return refusal(
        lambda: import_dossier_bytes(actor=TEST_ACTOR, raw=raw, max_bytes=20 * MiB, name="hostile.json"),
        DossierError,
    )


# -- dossiers --------------------------------------------------------------------------------------------
@case("dossier holding one 20 MB string")
def _(world):
    return dossier_import('{"format": "offering-dossier/2", "issuer": {"name": "' + "A" * (20 * MiB) + '"}}')


@case("dossier of 5 MB within the size limit, one string far over its schema length")
def _(world):
    return dossier_import(json.dumps(dossier_text(**{"issuer.name": "B" * (5 * MiB)})))


@case("dossier nested 100,000 arrays deep")
def _(world):
    return dossier_import("[" * 100_000 + "]" * 100_000)


@case("dossier nested 50,000 objects deep")
def _(world):
    return dossier_import('{"a":' * 50_000 + "1" + "}" * 50_000)


@case("dossier with a duplicate key")
def _(world):
    return dossier_import('{"format": "offering-dossier/2", "format": "offering-dossier/1"}')


@case("dossier that is not UTF-8")
def _(world):
    return dossier_import(b'{"format": "offering-dossier/2", "issuer": {"name": "\xff\xfe"}}')


@case("dossier with NaN and Infinity")
def _(world):
    return dossier_import('{"format": "offering-dossier/2", "x": NaN, "y": Infinity}')


@case("dossier with a number of a million digits")
def _(world):
    return dossier_import('{"format": "offering-dossier/2", "n": 1' + "0" * 1_000_000 + "}")


@case("dossier file number in Arabic-Indic digits")
def _(world):
    data = dossier_text()
    data["registration_statement"]["file_number"] = "333-\u0661\u0660\u0665\u0660\u0662\u0666"
    return dossier_import(json.dumps(data))


@case("dossier file number in full-width digits")
def _(world):
    data = dossier_text()
    data["registration_statement"]["file_number"] = "333-\uff11\uff10\uff15\uff10\uff12\uff16"
    return dossier_import(json.dumps(data))


@case("dossier issuer name with a lone carriage return")
def _(world):
    return dossier_import(json.dumps(dossier_text(**{"issuer.name": "Evil Corp\rBEGIN:VEVENT"})))


@case("dossier string with a NUL character")
def _(world):
    return dossier_import(json.dumps(dossier_text(**{"issuer.name": "Evil\x00Corp"})))


@case("dossier that is a JSON array, not an object")
def _(world):
    return dossier_import("[1, 2, 3]")


@case("dossier of an unknown format")
def _(world):
    return dossier_import('{"format": "offering-dossier/99"}')


@case("dossier of two million empty objects in an array")
def _(world):
    return dossier_import('{"format": "offering-dossier/2", "holders": [' + ",".join(["{}"] * 2_000_000) + "]}")


@case("dossier of five million one-letter strings in an array")
def _(world):
    return dossier_import('{"format": "offering-dossier/2", "holders": [' + ",".join(['"a"'] * 5_000_000) + "]}")


@case("import_dossier command given a file over the size limit")
def _(world):
    path = world.tmp / "big.json"
    path.write_bytes(b" " * (20 * MiB + 1))
    return refusal(lambda: call_command("import_dossier", str(path)), CommandError, SystemExit)


@case("admin dossier upload over the size limit")
def _(world):
    upload = SimpleUploadedFile("big.json", b" " * (20 * MiB + 1), content_type="application/json")
    return lambda: world.staff.post("/admin/offerings/registrationstatement/import/", {"dossier": upload})


# -- investor CSVs ---------------------------------------------------------------------------------------
def investor_csv(world: World, data: bytes):
    registration = world.bare_registration
    return refusal(lambda: import_investors(actor=TEST_ACTOR, registration=registration, data=data), ValidationError)


@case("investor CSV of 60,000 rows, over the row limit")
def _(world):
    rows = "".join(f"Investor {n},investor{n}@example.com,\n" for n in range(60_000))
    return investor_csv(world, ("name,email,postal_address\n" + rows).encode())


@case("investor CSV over the size limit")
def _(world):
    return investor_csv(world, b"name,email,postal_address\n" + b"x" * (6 * MiB))


@case("investor CSV with a name of one megabyte")
def _(world):
    return investor_csv(world, b"name,email,postal_address\n" + b"N" * MiB + b",a@example.com,\n")


@case("investor CSV with an unterminated quote running to the end of a large file")
def _(world):
    return investor_csv(world, b'name,email,postal_address\n"' + b"x," * (2 * MiB))


@case("investor CSV with a control character in a name")
def _(world):
    return investor_csv(world, b"name,email,postal_address\nEvil\x1bCorp,evil@example.com,\n")


@case("investor CSV with a carriage return inside a quoted name")
def _(world):
    return investor_csv(world, b'name,email,postal_address\n"Evil\rCorp",evil@example.com,\n')


@case("investor CSV that is not UTF-8")
def _(world):
    return investor_csv(world, b"name,email,postal_address\n\xff\xfe,evil@example.com,\n")


@case("investor CSV with a million columns in its header")
def _(world):
    return investor_csv(world, b"name,email," + b"x," * 1_000_000 + b"\n")


@case("admin investor CSV upload over the size limit")
def _(world):
    upload = SimpleUploadedFile("investors.csv", b"name,email\n" + b"x" * (6 * MiB), content_type="text/csv")
    registration = world.bare_registration
    return lambda: world.staff.post(
        "/admin/delivery/delivery/import-investors/", {"registration": registration.pk, "csv_file": upload}
    )


# -- requests --------------------------------------------------------------------------------------------
@case("request body declaring one gigabyte")
def _(world):
    return lambda: world.staff.generic(
        "POST", "/admin/offerings/issuer/add/", b"x", content_type="text/plain", CONTENT_LENGTH=str(1024 * MiB)
    )


@case("request with a malformed Content-Length")
def _(world):
    return lambda: world.staff.generic(
        "POST", "/admin/offerings/issuer/add/", b"x", content_type="text/plain", CONTENT_LENGTH="12abc"
    )


@case("form of 5,000 fields")
def _(world):
    body = "&".join(f"f{n}=v" for n in range(5000))
    return lambda: world.staff.generic(
        "POST", "/admin/offerings/issuer/add/", body, content_type="application/x-www-form-urlencoded"
    )


@case("request for a host the portal does not serve")
def _(world):
    return lambda: world.anonymous.get("/admin/login/", HTTP_HOST="evil.example.com")


# -- query parameters ------------------------------------------------------------------------------------
@case("calendar.ics as of 2099-01-01, beyond the business-day calendar")
def _(world):
    return lambda: world.staff.get("/compliance/calendar.ics?as_of=2099-01-01")


@case("dashboard as of a date that is not a date")
def _(world):
    return lambda: world.staff.get("/compliance/?as_of=yesterday")


@case("calendar as of year 0")
def _(world):
    return lambda: world.staff.get("/compliance/calendar/?as_of=0000-01-01")


@case("deliveries not opened for 99,999,999,999 days")
def _(world):
    return lambda: world.staff.get("/admin/delivery/delivery/?not_opened_days=99999999999")


@case("deliveries not opened for minus one days")
def _(world):
    return lambda: world.staff.get("/admin/delivery/delivery/?not_opened_days=-1")


@case("admin search of 2,000 terms")
def _(world):
    terms = " ".join(f"t{n}" for n in range(2000))
    return lambda: world.staff.get("/admin/offerings/registrationstatement/", {"q": terms})


@case("admin search of 100,000 characters")
def _(world):
    return lambda: world.staff.get("/admin/delivery/delivery/", {"q": "x" * 100_000})


@case("admin changelist page number beyond any page")
def _(world):
    return lambda: world.staff.get("/admin/offerings/issuer/?p=99999999999999999999")


# -- staff sign-in and records ----------------------------------------------------------------------------
@case("sign-in with a username of 20,000 characters")
def _(world):
    return lambda: world.anonymous.post("/admin/login/", {"username": "u" * 20_000, "password": "x" * 20_000})


@case("ensure_admin given the password '1'")
def _(world, monkeypatch=None):
    def run():
        import os

        os.environ["PORTAL_ADMIN_PASSWORD"] = "1"
        try:
            call_command("ensure_admin", username="weakling")
        finally:
            del os.environ["PORTAL_ADMIN_PASSWORD"]

    return refusal(run, CommandError)


@case("issuer name with a lone carriage return, through the admin")
def _(world):
    return lambda: world.staff.post(
        "/admin/offerings/issuer/add/", {"name": "Evil Corp\rX-Injected: yes", "cik": "0000000001"}
    )


@case("issuer CIK in Arabic-Indic digits, through the service")
def _(world):
    def run():
        issuer = Issuer(name="Digits Inc.", cik="\u0661" * 10)
        issuer.full_clean()

    return refusal(run, ValidationError)


# -- investors' links ------------------------------------------------------------------------------------
@case("personal link with a token of 100,000 characters")
def _(world):
    return lambda: world.anonymous.get(f"/d/{'a' * 100_000}/")


@case("personal download of a document id beyond 64 bits")
def _(world):
    token = world.token
    return lambda: world.anonymous.get(f"/d/{token}/documents/{10**30}/")


@case("offering page of a file number in full-width digits")
def _(world):
    return lambda: world.anonymous.get("/offerings/333-\uff11\uff10\uff15\uff10\uff12\uff16/")


@case("acknowledgement with a one-megabyte body")
def _(world):
    token = world.token
    return lambda: world.anonymous.generic(
        "POST", f"/d/{token}/acknowledge/", b"a" * MiB, content_type="application/x-www-form-urlencoded"
    )


@case("acknowledgement from a foreign Origin")
def _(world):
    token = world.token
    return lambda: world.anonymous.post(f"/d/{token}/acknowledge/", HTTP_ORIGIN="https://evil.example.com")


@case("a flood of personal page requests from one client")
def _(world, limit: int = 60):
    token = world.token

    def run():
        last = None
        for _ in range(limit + 5):
            last = world.anonymous.get(f"/d/{token}/", REMOTE_ADDR="198.51.100.77")
        return last

    return run


@case("personal page by POST")
def _(world):
    token = world.token
    return lambda: world.anonymous.post(f"/d/{token}/")


# -- uploaded documents ----------------------------------------------------------------------------------
def publish_upload(world: World, name: str, data: bytes, content_type: str):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    registration = world.registration
    return lambda: world.staff.post(
        f"/admin/delivery/packageversion/publish/?registration={registration.pk}",
        {"prospectus_file": upload, "publish": "Publish the package"},
    )


@case("prospectus upload named .exe")
def _(world):
    return publish_upload(world, "prospectus.exe", b"MZ\x90\x00", "application/octet-stream")


@case("prospectus upload named .pdf holding HTML")
def _(world):
    return publish_upload(world, "prospectus.pdf", b"<html><body>not a pdf</body></html>", "application/pdf")


@case("prospectus upload named .txt holding binary")
def _(world):
    return publish_upload(world, "prospectus.txt", b"text\x00\x01\x02", "text/plain")


@case("prospectus upload that is an encrypted PDF")
def _(world):
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return publish_upload(world, "prospectus.pdf", out.getvalue(), "application/pdf")


@case("prospectus upload over the upload size limit")
def _(world):
    return publish_upload(world, "prospectus.txt", b"a" * (21 * MiB), "text/plain")


@case("prospectus upload that is an empty file")
def _(world):
    return publish_upload(world, "prospectus.pdf", b"", "application/pdf")


# The first uploaded-document cases that are accepted, safely: kept apart (below) from the refusals.
def javascript_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('pwned');")}
    )
    writer._root_object[NameObject("/OpenAction")] = action
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ACCEPTED_SAFELY = {
    "HTML prospectus loading remote, file and data URLs": (
        "prospectus.html",
        b"<html><body><img src='http://example.com/x.png'><link rel=stylesheet href='file:///etc/passwd'>"
        b"<style>@import url(data:text/css,body{color:red});</style><iframe src='https://example.com'></iframe>"
        b"<p>Prospectus</p></body></html>",
    ),
    "PDF prospectus with document and page JavaScript": ("prospectus.pdf", None),
}


@pytest.fixture
def world(db, settings, tmp_path, monkeypatch):
    settings.PORTAL_LINK_RATE_LIMIT = "60/m"
    from django.core.cache import cache

    cache.clear()
    user = get_user_model().objects.create_superuser("corpus", "corpus@example.com", "a-Long-pass-phrase-42")
    staff = Client()
    staff.force_login(user)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    built = World(
        staff=staff,
        anonymous=Client(),
        media=Path(settings.MEDIA_ROOT),
        tmp=scratch,
    )
    return built


def files_under(*roots: Path) -> set[str]:
    return {str(path) for root in roots if root.exists() for path in root.rglob("*") if path.is_file()}


def measured(call: Callable[[], object]) -> tuple[Refused, int]:
    """The call's answer and the peak memory Python allocated while it ran."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return answer(result), peak


def is_refusal(outcome: Refused) -> bool:
    if outcome.status is None:
        return outcome.text != "ACCEPTED"
    if 400 <= outcome.status < 500:
        return True
    # An admin form page answering 200 names the problem in its error list.
    return outcome.status == 200 and ('class="errorlist' in outcome.text or 'class="errornote' in outcome.text)


def test_the_corpus_holds_at_least_forty_inputs():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", list(CASES))
def test_every_hostile_input_is_refused_clearly_in_bounded_memory_leaving_no_file(name, world):
    call = CASES[name](world)
    before = files_under(world.media, Path(tempfile.tempdir))
    outcome, peak = measured(call)
    assert is_refusal(outcome), f"{name}: {outcome.status} {outcome.text[:500]}"
    assert outcome.status is None or outcome.status != 500
    assert peak < MEMORY_BOUND, f"{name}: {peak / MiB:.1f} MiB"
    assert files_under(world.media, Path(tempfile.tempdir)) == before, name


@pytest.mark.parametrize("name", list(ACCEPTED_SAFELY))
def test_hostile_documents_that_are_accepted_are_made_safe(name, world, django_capture_on_commit_callbacks):
    """Accepted, never a 500: the HTML renders without fetching, the investors' PDF loses its JavaScript."""
    file_name, data = ACCEPTED_SAFELY[name]
    call = publish_upload(world, file_name, data or javascript_pdf(), "application/octet-stream")
    with django_capture_on_commit_callbacks(execute=True):
        outcome, peak = measured(call)
    assert outcome.status == 302, outcome.text[:2000]
    assert peak < MEMORY_BOUND
    job = PublishJob.objects.latest("pk")
    assert job.status == "done", (job.status, job.progress, job.error)
    latest = world.registration.package_versions.order_by("-number").first()
    assert latest.number == 2
    for document in latest.documents.all():
        with document.file.open("rb") as handle:
            data = handle.read()
        assert b"/JavaScript" not in data and b"/OpenAction" not in data, document.title


def test_rate_limit_refusals_are_kept_as_evidence(world):
    CASES["a flood of personal page requests from one client"](world)()
    assert world.registration.package_versions.get().deliveries.filter(events__kind=EventKind.RATE_LIMITED).exists()
