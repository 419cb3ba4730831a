"""Uploaded documents (issue 12, part 4): WeasyPrint loads no URL, and PDFs reach investors without active content."""

import io
import logging
import socket
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from audit.models import LogEntry
from delivery import files
from delivery.models import DocumentKind, PackageDocument
from delivery.services import links
from delivery.services.packages import attach_prospectus_document, publish_package
from safety import weasy
from safety.pdf import PDFSanitizeError, sanitize_pdf
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration, pdf_bytes

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "offerings", "documents", "compliance", "delivery", "audit")

HOSTILE_HTML = b"""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="attachment" href="file:///etc/hostname">
<style>@import url(data:text/css;base64,Ym9keXtjb2xvcjpyZWR9); body{background:url(http://example.com/bg.png)}</style>
</head><body><h1>Prospectus</h1>
<img src="http://example.com/x.png" alt="logo">
<img src="https://example.com/y.png">
<iframe src="http://example.com/frame.html"></iframe>
<object data="file:///etc/passwd"></object>
<p>Risk factors. <a href="javascript:alert(1)">click</a> <a href="https://www.sec.gov/">EDGAR</a></p>
</body></html>"""


def _action(kind: str, **entries: str) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    return action


def hostile_pdf() -> bytes:
    """Two pages with document JavaScript, an open action, page actions, an embedded file, an XFA form and links
    that launch, submit, run javascript: and (the one that stays) go to a web page."""
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_blank_page(612, 792)
    writer.add_attachment("payload.exe", b"MZ hidden payload")
    names = writer.root_object["/Names"].get_object()
    script = writer._add_object(_action("/JavaScript", JS="app.alert('document')"))
    names[NameObject("/JavaScript")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("init"), script])}
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(_action("/JavaScript", JS="app.alert('open')"))
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp:xdp/>")}
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action("/JavaScript", JS="app.beep()")})
    for action in (
        _action("/Launch", F="cmd.exe"),
        _action("/URI", URI="javascript:app.alert(1)"),
        _action("/SubmitForm", F="https://collector.example/"),
        _action("/URI", URI="https://www.sec.gov/"),
    ):
        link = Link(rect=(10, 10, 100, 100), url="https://placeholder.example/")
        link[NameObject("/A")] = action
        writer.add_annotation(1, link)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _catalog(data: bytes):
    return PdfReader(io.BytesIO(data)).trailer["/Root"]


def _has_active_content(data: bytes) -> bool:
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    names = root.get("/Names", {})
    if "/OpenAction" in root or "/AA" in root or "/JavaScript" in names or "/EmbeddedFiles" in names:
        return True
    if "/XFA" in root.get("/AcroForm", {}):
        return True
    for page in reader.pages:
        if "/AA" in page:
            return True
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get_object().get("/S") != "/URI":
                return True
            if action is not None and not str(action.get_object()["/URI"]).startswith("https:"):
                return True
    return reader.attachments != {}


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to resolve a name, open a network connection or a urllib URL is recorded and refused."""
    attempts: list[str] = []

    def refuse(what):
        def refused(*args, **kwargs):
            attempts.append(f"{what}{args[:2]!r}")
            raise OSError(f"network access attempted: {what}")

        return refused

    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    local_connect = socket.socket.connect
    refused_connect = refuse("connect")

    def connect(sock, *args, **kwargs):
        """Unix sockets stay open to the conversion children's fork server; any network connection is refused."""
        if sock.family == socket.AF_UNIX:
            return local_connect(sock, *args, **kwargs)
        return refused_connect(sock, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse("urlopen"))
    return attempts


# -- one URL fetcher for every WeasyPrint call ------------------------------------------------------------------
def test_every_weasyprint_render_in_the_portal_goes_through_the_one_static_only_fetcher():
    offenders = []
    for path in sorted(p for app in APPS for p in (ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if "import weasyprint" in text or "from weasyprint import" in text or "url_fetcher=" in text:
            offenders.append(relative)
    # documents/pdf.py keeps its parsed stylesheet between renders, with the fetcher from safety.weasy.
    assert offenders in ([], ["documents/pdf.py"])
    assert "from safety.weasy import" in (ROOT / "documents/pdf.py").read_text()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/x.png",
        "data:text/css,body{}",
        "ftp://example.com/x",
        weasy.STATIC_BASE + "supplements/print.css",  # no static root given: nothing is served
    ],
)
def test_the_fetcher_without_static_roots_refuses_every_url_without_opening_it(url, no_network):
    fetcher = weasy.fetcher()
    with pytest.raises(weasy.URLRefusedError):
        fetcher.fetch(url)
    with pytest.raises(weasy.URLRefusedError):
        fetcher.open(urllib.request.Request(url))
    assert fetcher.refused == [url, url]
    assert no_network == []


def test_a_refused_url_leaves_the_resource_out_and_the_document_renders(no_network, caplog):
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        data = weasy.html_to_pdf(HOSTILE_HTML.decode())
    assert data.startswith(b"%PDF-")
    assert "Prospectus" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert PdfReader(io.BytesIO(data)).attachments == {}
    assert no_network == []
    assert "example.com/x.png" in caplog.text


@pytest.mark.django_db
def test_an_html_prospectus_with_outside_urls_publishes_without_loading_them(no_network):
    registration = make_registration(investors=1)
    prospectus = registration.prospectuses.get()
    attach_prospectus_document(actor=TEST_ACTOR, prospectus=prospectus, name="prospectus.html", data=HOSTILE_HTML)
    version = publish_package(actor=TEST_ACTOR, registration=registration)
    assert no_network == []
    html_copy = version.documents.get(kind=DocumentKind.PROSPECTUS)
    assert html_copy.content_type == files.HTML and html_copy.original_sha256 == ""
    combined = version.documents.get(kind=DocumentKind.COMBINED).file.read()
    reader = PdfReader(io.BytesIO(combined))
    assert "Risk factors" in " ".join(page.extract_text() for page in reader.pages)
    assert reader.attachments == {} and b"/EmbeddedFile" not in combined
    assert not _has_active_content(combined)  # the rendered javascript: link was taken out, the EDGAR link stays


@pytest.mark.django_db
def test_the_delivery_and_audit_report_pdfs_render_through_the_refusing_fetcher(no_network):
    from audit import reports as audit_reports
    from delivery import reports as delivery_reports

    registration = make_registration(investors=1)
    publish_package(actor=TEST_ACTOR, registration=registration)
    assert delivery_reports.pdf_report(registration=registration).startswith(b"%PDF-")
    report = audit_reports.build_report(registration.file_number)
    assert audit_reports.report_pdf(report).startswith(b"%PDF-")
    assert no_network == []


# -- active content stripped from PDFs ---------------------------------------------------------------------------
def test_sanitize_pdf_removes_every_kind_of_active_content_and_says_what():
    data = hostile_pdf()
    assert _has_active_content(data)
    clean, removed = sanitize_pdf(data)
    assert not _has_active_content(clean)
    assert len(PdfReader(io.BytesIO(clean)).pages) == 2
    text = "\n".join(removed)
    for expected in (
        "document JavaScript (/Names /JavaScript)",
        "embedded files (/Names /EmbeddedFiles)",
        "XFA form (/AcroForm /XFA)",
        "JavaScript action (/OpenAction)",
        "page 1: additional actions (/AA)",
        "page 2: Link annotation: Launch action (/A)",
        "page 2: Link annotation: URI javascript: action (/A)",
        "page 2: Link annotation: SubmitForm action (/A)",
    ):
        assert expected in text
    assert b"MZ hidden payload" not in clean and b"app.alert" not in clean and b"cmd.exe" not in clean
    kept = [a.get_object().get("/A") for a in PdfReader(io.BytesIO(clean)).pages[1]["/Annots"]]
    assert [str(a["/URI"]) for a in kept if a is not None] == ["https://www.sec.gov/"]


def test_sanitize_pdf_is_idempotent_and_gives_the_same_bytes_for_the_same_input():
    once, _ = sanitize_pdf(hostile_pdf())
    again, removed = sanitize_pdf(once)
    assert removed == [] and again == once
    assert sanitize_pdf(hostile_pdf())[0] == once


def test_a_pdf_without_active_content_comes_back_byte_for_byte():
    data = pdf_bytes(pages=2)
    assert sanitize_pdf(data) == (data, [])


def test_javascript_hidden_in_an_outline_item_or_a_chained_action_is_removed():
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    item = writer.add_outline_item(title="Chapter 1", page_number=0)
    item.get_object()[NameObject("/A")] = _action("/JavaScript", JS="app.alert('outline')")
    go_to = DictionaryObject({NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): ArrayObject()})
    go_to[NameObject("/Next")] = ArrayObject([_action("/Launch", F="calc.exe")])
    writer.root_object[NameObject("/OpenAction")] = go_to
    out = io.BytesIO()
    writer.write(out)
    clean, removed = sanitize_pdf(out.getvalue())
    assert any("JavaScript action (/A)" in line for line in removed)
    assert any("Launch action (/Next)" in line for line in removed)
    assert b"app.alert" not in clean and b"calc.exe" not in clean
    assert _catalog(clean)["/OpenAction"]["/S"] == "/GoTo"  # the harmless part of the chain stays


@pytest.mark.parametrize("data", [b"not a pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"])
def test_bytes_that_are_not_a_readable_pdf_are_a_named_refusal(data):
    with pytest.raises(PDFSanitizeError, match="not a readable PDF"):
        sanitize_pdf(data)


@pytest.mark.django_db
def test_investors_get_the_sanitized_pdf_and_the_record_keeps_the_upload_with_both_hashes(client):
    registration = make_registration(investors=1)
    prospectus = registration.prospectuses.get()
    original = hostile_pdf()
    attach_prospectus_document(actor=TEST_ACTOR, prospectus=prospectus, name="prospectus.pdf", data=original)
    version = publish_package(actor=TEST_ACTOR, registration=registration)

    document = version.documents.get(kind=DocumentKind.PROSPECTUS)
    delivered = document.file.read()
    assert not _has_active_content(delivered)
    assert document.original_file.read() == original
    assert document.original_sha256 == files.sha256_hex(original) != document.sha256 == files.sha256_hex(delivered)
    assert "document JavaScript (/Names /JavaScript)" in document.sanitized.splitlines()
    clean_report = version.documents.get(kind=DocumentKind.REPORT)
    assert (clean_report.original_file.name, clean_report.original_sha256, clean_report.sanitized) == ("", "", "")

    combined = version.documents.get(kind=DocumentKind.COMBINED).file.read()
    assert not _has_active_content(combined)
    cover = PdfReader(io.BytesIO(combined)).pages[0].extract_text().replace("\n", "")
    assert document.sha256[:40] in cover and document.original_sha256[:40] in cover

    published = LogEntry.objects.get(event="published")
    line = next(d for d in published.additional_data["documents"] if d["sha256"] == document.sha256)
    assert line["uploaded_sha256"] == document.original_sha256

    page = client.get(reverse("delivery:offering", kwargs={"file_number": registration.file_number}))
    assert document.sha256 in page.content.decode() and document.original_sha256 in page.content.decode()
    delivery = links.create_deliveries(actor=TEST_ACTOR, package_version=version)[0]
    personal = client.get(f"/d/{delivery.token}/")
    assert document.original_sha256 in personal.content.decode()
    download = client.get(f"/d/{delivery.token}/documents/{document.pk}/")
    assert b"".join(download.streaming_content) == delivered


@pytest.mark.django_db
def test_the_frozen_supplement_pdf_and_an_uploaded_text_report_are_delivered_as_they_are():
    from documents.selectors import frozen_rendition

    registration = make_registration(investors=0)  # a PDF prospectus without active content, a .txt report
    version = publish_package(actor=TEST_ACTOR, registration=registration)
    supplement = version.documents.get(kind=DocumentKind.SUPPLEMENT)
    assert supplement.sha256 == frozen_rendition(supplement=supplement.supplement, format="pdf").sha256
    report = version.documents.get(kind=DocumentKind.REPORT)
    assert report.file.read() == report.report.document.open("rb").read()
    assert not PackageDocument.objects.exclude(original_sha256="").exists()
