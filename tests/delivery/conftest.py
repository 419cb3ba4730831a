"""Fixtures for the delivery tests: packages built from real records, with real PDF bytes."""

import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from delivery.services.packages import attach_prospectus_document, attach_report_document, publish_package
from offerings.models import SupplementEnclosure, SupplementStatus
from tests import factories
from tests.actors import TEST_ACTOR
from tests.workflow import approve_for_test


def pdf_bytes(*, pages: int = 1, width: float = 612, height: float = 792) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=width, height=height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ensure_pdf_rendition(supplement, *, pages: int = 1):
    """The supplement's frozen PDF: the one approval rendered, or (where no renderer is hooked in) a stored PDF."""
    from documents.models import SupplementRendition
    from documents.selectors import frozen_rendition

    rendition = frozen_rendition(supplement=supplement, format="pdf")
    if rendition is not None:
        return rendition
    data = pdf_bytes(pages=pages)
    rendition = SupplementRendition(
        supplement=supplement,
        format="pdf",
        sha256=__import__("hashlib").sha256(data).hexdigest(),
        size=len(data),
        content_type="application/pdf",
        rendered_at=timezone.now(),
    )
    rendition.file.save("x.pdf", ContentFile(data), save=False)
    rendition.save()
    return rendition


def approved_supplement(prospectus, *, enclosed=(), **fields):
    supplement = factories.SupplementFactory(prospectus=prospectus, **fields)
    for report in enclosed:
        SupplementEnclosure.objects.create(supplement=supplement, report=report)
    supplement = approve_for_test(supplement)
    assert supplement.status == SupplementStatus.APPROVED
    ensure_pdf_rendition(supplement)
    return supplement


def make_registration(*, investors: int = 0, supplements: int = 1, reports_per_supplement: int = 1):
    """A registration with an uploaded prospectus, approved supplements with uploaded enclosed reports."""
    prospectus = factories.ProspectusFactory()
    registration = prospectus.registration_statement
    attach_prospectus_document(actor=TEST_ACTOR, prospectus=prospectus, name="prospectus.pdf", data=pdf_bytes(pages=3))
    for n in range(supplements):
        reports = []
        for _ in range(reports_per_supplement):
            report = factories.PeriodicReportFactory(issuer=registration.issuer)
            attach_report_document(
                actor=TEST_ACTOR,
                report=report,
                name=f"{report.key}.txt",
                data=f"Quarterly report {report.key}\n".encode(),
            )
            reports.append(report)
        approved_supplement(prospectus, number=n + 1, enclosed=reports)
    for _ in range(investors):
        factories.InvestorFactory(registration_statement=registration)
    return registration


@pytest.fixture
def registration(db):
    return make_registration(investors=3)


@pytest.fixture
def package(registration):
    return publish_package(actor=TEST_ACTOR, registration=registration)


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on loopback (tests/delivery/smtp.py) that the portal's email settings point at; its
    ``port`` is where another process (a worker) can reach it."""
    from . import smtp

    box = smtp.Mailbox()
    controller = smtp.start(box)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.DELIVERY_BASE_URL = "http://portal.test"
    box.port = controller.port
    yield box
    controller.stop()
