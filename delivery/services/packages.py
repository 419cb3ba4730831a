"""Package versions: the files staff attach, and publishing a frozen copy of everything investors receive.

Rule: a published version never changes. Its documents' bytes are copied into it with their SHA-256, and a
supplement it holds may no longer return to draft (``refuse_return_to_draft_once_published``).
Rule: a document is what its name claims (``files.check_document``: a .pdf parses as a PDF, an .htm/.html is
HTML, a .txt is text), and a package never holds the same bytes twice; both are checked when a file is attached
and again, on the stored bytes, when a version is published.
Rule (issue 12): an uploaded document is at most ``PORTAL_UPLOAD_MAX_BYTES``; converting documents to PDF and
combining them run in a child process with a time and a memory limit (``delivery.conversion``), before the
publishing transaction (``prepare_package``), so a task can report progress; every file a publish or an attach
stores is removed again unless its transaction commits (``filestore.atomic``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.context import audited
from audit.events import record_event
from offerings.actors import Actor, actor_user
from offerings.files import sha256_hex
from offerings.models import PeriodicReport, Prospectus, RegistrationStatement, Supplement

from .. import conversion, files, selectors
from ..models import DocumentKind, PackageDocument, PackageVersion
from . import filestore

Progress = Callable[[str], None]


def _quiet(step: str) -> None:
    """No progress report (the command and direct calls)."""


def refuse_too_large(*, data: bytes, name: str, field: str) -> None:
    """Rule: one uploaded document is at most ``PORTAL_UPLOAD_MAX_BYTES``; refused naming the field and the limit."""
    limit = int(settings.PORTAL_UPLOAD_MAX_BYTES)
    if len(data) > limit:
        label = name.rsplit("/", 1)[-1] or "The file"
        raise ValidationError(
            {field: f"{label} is {len(data):,} bytes; the limit is {limit:,} bytes (PORTAL_UPLOAD_MAX_BYTES)."}
        )


# -- source files ---------------------------------------------------------------------------------------
@audited
@filestore.atomic()
@transaction.atomic
def attach_prospectus_document(*, actor: Actor, prospectus: Prospectus, name: str, data: bytes) -> Prospectus:
    """Store the prospectus file staff upload (PDF, HTML or text); the next package version delivers it."""
    refuse_too_large(data=data, name=name, field="prospectus")
    content_type = files.check_document(data=data, name=name, field="prospectus")
    files.refuse_same_bytes(
        data=data,
        title=selectors.prospectus_title(prospectus),
        field="prospectus",
        others=_planned_digests(registrations=[prospectus.registration_statement], leave_out=prospectus),
    )
    extension = files.EXTENSIONS[content_type]
    prospectus.document.save(
        f"{prospectus.registration_statement.file_number}-prospectus-{prospectus.dated_on:%Y-%m-%d}.{extension}",
        ContentFile(data),
        save=False,
    )
    filestore.stored(prospectus.document)
    prospectus.full_clean()
    prospectus.save(update_fields=["document"])
    return prospectus


@audited
@filestore.atomic()
@transaction.atomic
def attach_report_document(*, actor: Actor, report: PeriodicReport, name: str, data: bytes) -> PeriodicReport:
    """Store the copy of a periodic report that is delivered with supplements.

    A report an approved or filed supplement delivers takes a first copy; replacing it is a correction of the
    filed record (the model refuses, naming the supplement).
    """
    field = f"report {report.key}"
    refuse_too_large(data=data, name=name, field=field)
    content_type = files.check_document(data=data, name=name, field=field)
    delivering = RegistrationStatement.objects.filter(prospectuses__supplements__enclosures__report=report).distinct()
    files.refuse_same_bytes(
        data=data,
        title=report.describe(),
        field=field,
        others=_planned_digests(registrations=delivering, leave_out=report),
    )
    extension = files.EXTENSIONS[content_type]
    report.document.save(f"{report.key}.{extension}", ContentFile(data), save=False)
    filestore.stored(report.document)
    report.full_clean()
    report.save(update_fields=["document"])
    return report


def _read_field_file(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def _planned_digests(*, registrations, leave_out) -> dict[str, str]:
    """SHA-256 to title of each stored document the next package of ``registrations`` would hold, other than
    ``leave_out`` (the record a file is being attached to); supplements count by their frozen PDF, if any."""
    from documents.selectors import frozen_rendition

    digests: dict[str, str] = {}
    for registration in registrations:
        for planned in selectors.package_plan(registration=registration).documents:
            if leave_out in (planned.prospectus, planned.report):
                continue
            if planned.kind == DocumentKind.SUPPLEMENT:
                rendition = frozen_rendition(supplement=planned.supplement, format="pdf")
                digest = rendition.sha256 if rendition is not None else None
            else:
                stored = (
                    planned.prospectus.document if planned.kind == DocumentKind.PROSPECTUS else planned.report.document
                )
                digest = sha256_hex(_read_field_file(stored)) if stored else None
            if digest is not None:
                digests.setdefault(digest, planned.title)
    return digests


def _supplement_pdf(*, actor: Actor, supplement: Supplement) -> tuple[bytes, str]:
    """The frozen PDF rendition that approval stored for the supplement (a filed one is frozen on first use)."""
    from documents.selectors import frozen_rendition, rendition_bytes

    rendition = frozen_rendition(supplement=supplement, format="pdf")
    if rendition is None and supplement.is_frozen:
        from documents.services import ensure_frozen

        ensure_frozen(actor=actor, supplement=supplement)
        rendition = frozen_rendition(supplement=supplement, format="pdf")
    if rendition is None:
        raise ValidationError(
            {"supplement": f"{supplement} has no frozen PDF. Approve it again so that its documents are rendered."}
        )
    return rendition_bytes(rendition=rendition), rendition.content_type or files.PDF


# -- publishing -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PreparedPackage:
    """Everything a version needs, converted and combined before the publishing transaction opens.

    ``sources`` are the SHA-256 of each document as stored (the upload, or the frozen rendition): publishing
    refuses a prepared package whose documents changed meanwhile, or whose version number was taken.
    """

    registration_id: int
    number: int
    prospectus: Prospectus
    planned: list[selectors.PlannedDocument]
    parts: list[files.Part]
    sources: list[str]
    combined: bytes


def prepare_package(
    *, actor: Actor, registration: RegistrationStatement, progress: Progress = _quiet
) -> PreparedPackage:
    """The slow part of publishing, without writing to the package: read and check every planned document,
    convert each HTML and text document to PDF and combine them (``delivery.conversion``: child processes with
    a time and a memory limit), reporting each step to ``progress``. Refused as ``publish_package`` is."""
    registration = RegistrationStatement.objects.select_related("issuer").get(pk=registration.pk)
    plan = selectors.package_plan(registration=registration)
    if plan.problems:
        raise ValidationError({"package": plan.problems})
    progress("Reading and checking the documents")
    read = _read_parts(actor=actor, plan=plan)
    files.refuse_duplicates([part for _, part in read])
    _refuse_unchanged(registration=registration, parts=read)
    number = _next_number(registration)
    pdfs = []
    for index, (planned, part) in enumerate(read, start=1):
        if part.content_type != files.PDF:
            progress(f"Converting document {index} of {len(read)} to PDF: {part.title[:200]}")
        pdfs.append((part.title, conversion.to_pdf(part, label=_label(planned))))
    progress(f"Combining {len(read)} documents into one PDF")
    heading = _heading(registration, number)
    lines = [
        (part.title[:300], planned.dated_on.isoformat() if planned.dated_on else "", part.sha256, part.original_sha256)
        for planned, part in read
    ]
    combined = conversion.combined_pdf(title=heading, heading=heading, lines=lines, parts=pdfs)
    return PreparedPackage(
        registration_id=registration.pk,
        number=number,
        prospectus=plan.prospectus,
        planned=[planned for planned, _ in read],
        parts=[part for _, part in read],
        sources=[part.original_sha256 or part.sha256 for _, part in read],
        combined=combined,
    )


@audited
@filestore.atomic()
@transaction.atomic
def publish_package(
    *,
    actor: Actor,
    registration: RegistrationStatement,
    prepared: PreparedPackage | None = None,
    progress: Progress = _quiet,
) -> PackageVersion:
    """Freeze the next package version: copies of every document's bytes, a manifest and a combined PDF.

    Refused when the prospectus file is missing, a supplement is not approved or filed, a report delivered
    with a supplement has no uploaded copy, or nothing changed since the current version. The version
    records who published it (``published_by``: the staff user; empty for a command). ``prepared`` (from
    ``prepare_package``, run before this transaction) is used if its documents are still the stored ones;
    without it the package is prepared here. Its own transaction (``filestore.atomic``): stored files are
    removed unless it commits.
    """
    registration = RegistrationStatement.objects.select_for_update().select_related("issuer").get(pk=registration.pk)
    if prepared is None:
        prepared = prepare_package(actor=actor, registration=registration, progress=progress)
    else:
        if prepared.registration_id != registration.pk:
            raise ValueError("The prepared package is another registration's.")
        _refuse_changed(registration=registration, prepared=prepared)
    version = PackageVersion(
        registration_statement=registration,
        number=prepared.number,
        prospectus=prepared.prospectus,
        published_at=timezone.now(),
        published_by=actor_user(actor),
    )
    version.full_clean()
    version.save()
    _store_package(version=version, prepared=prepared)
    manifest = [
        {"title": d.title, "sha256": d.sha256, **({"uploaded_sha256": d.original_sha256} if d.original_sha256 else {})}
        for d in version.documents.order_by("position")
    ]
    record_event(actor=actor, record=version, event="published", data={"number": version.number, "documents": manifest})
    return version


def _next_number(registration: RegistrationStatement) -> int:
    return (registration.package_versions.aggregate(n=Max("number"))["n"] or 0) + 1


def _heading(registration: RegistrationStatement, number: int) -> str:
    return f"{registration.issuer.name}: prospectus package v{number}, Registration No. {registration.file_number}"


def _label(planned: selectors.PlannedDocument) -> str:
    """How a refusal names a document: its stored file's name, or its title."""
    stored = planned.prospectus.document if planned.kind == DocumentKind.PROSPECTUS else None
    if planned.kind == DocumentKind.REPORT:
        stored = planned.report.document
    return stored.name.rsplit("/", 1)[-1] if stored else planned.title


def _refuse_changed(*, registration: RegistrationStatement, prepared: PreparedPackage) -> None:
    """Refuse a prepared package whose documents are no longer the stored ones, or whose number was taken."""
    from documents.selectors import frozen_rendition

    plan = selectors.package_plan(registration=registration)
    if plan.problems:
        raise ValidationError({"package": plan.problems})
    sources = []
    for planned in plan.documents:
        if planned.kind == DocumentKind.SUPPLEMENT:
            rendition = frozen_rendition(supplement=planned.supplement, format="pdf")
            sources.append(rendition.sha256 if rendition is not None else "")
        else:
            stored = planned.prospectus.document if planned.kind == DocumentKind.PROSPECTUS else planned.report.document
            sources.append(sha256_hex(_read_field_file(stored)))
    if sources != prepared.sources or _next_number(registration) != prepared.number:
        raise ValidationError(
            {
                "package": "The documents or the package versions changed while the package was being prepared; "
                "nothing was published. Publish again."
            }
        )


def _read_parts(*, actor: Actor, plan: selectors.PackagePlan) -> list[tuple[selectors.PlannedDocument, files.Part]]:
    """The bytes of every planned document; an uploaded one must still be what its name claims."""
    parts: list[tuple[selectors.PlannedDocument, files.Part]] = []
    for planned in plan.documents:
        if planned.kind == DocumentKind.PROSPECTUS:
            data = _read_field_file(planned.prospectus.document)
            name = planned.prospectus.document.name
            content_type = files.check_document(data=data, name=name, field="prospectus")
        elif planned.kind == DocumentKind.SUPPLEMENT:
            data, content_type = _supplement_pdf(actor=actor, supplement=planned.supplement)
        else:
            data = _read_field_file(planned.report.document)
            content_type = files.check_document(
                data=data, name=planned.report.document.name, field=f"report {planned.report.key}"
            )
        part = files.Part(planned.title, data, content_type)
        # An uploaded PDF reaches investors without active content; a frozen rendition is the portal's own.
        parts.append(
            (planned, part if planned.kind == DocumentKind.SUPPLEMENT else files.for_investors(part, field="package"))
        )
    return parts


def _refuse_unchanged(
    *, registration: RegistrationStatement, parts: list[tuple[selectors.PlannedDocument, files.Part]]
) -> None:
    current = selectors.current_package(registration=registration)
    if current is None:
        return
    current_hashes = [d.sha256 for d in current.documents.exclude(kind=DocumentKind.COMBINED).order_by("position")]
    if current_hashes == [part.sha256 for _, part in parts]:
        raise ValidationError({"package": f"Nothing changed since package v{current.number}; its deliveries stand."})


def _store_package(*, version: PackageVersion, prepared: PreparedPackage) -> None:
    """Copy every document into the version, then the combined PDF (``filestore``: removed unless committed)."""
    for position, (planned, part) in enumerate(zip(prepared.planned, prepared.parts, strict=True), start=1):
        _store_document(
            version=version,
            position=position,
            kind=planned.kind,
            title=part.title,
            dated_on=planned.dated_on,
            data=part.data,
            content_type=part.content_type,
            prospectus=planned.prospectus,
            supplement=planned.supplement,
            report=planned.report,
            original=part.original,
            sanitized="\n".join(part.removed),
        )
    _store_document(
        version=version,
        position=len(prepared.parts) + 1,
        kind=DocumentKind.COMBINED,
        title="Complete package (one PDF with bookmarks)",
        dated_on=version.published_at.date(),
        data=prepared.combined,
        content_type=files.PDF,
    )


def _store_document(
    *,
    version: PackageVersion,
    position: int,
    kind: str,
    title: str,
    data: bytes,
    original: bytes | None = None,
    **fields,
):
    """One manifest line; ``original`` (the upload, where active content was removed from ``data``) is kept beside
    it with its SHA-256, and ``fields["sanitized"]`` says what was removed."""
    content_type = fields.pop("content_type")
    name = files.file_name(
        file_number=version.registration_statement.file_number,
        version=version.number,
        position=position,
        title=title,
        content_type=content_type if content_type in files.EXTENSIONS else files.PDF,
    )
    document = PackageDocument(
        package_version=version,
        position=position,
        kind=kind,
        title=title[:300],
        file_name=name,
        content_type=content_type,
        size=len(data),
        sha256=sha256_hex(data),
        **fields,
    )
    document.file.save(name, ContentFile(data), save=False)
    filestore.stored(document.file)
    if original is not None:
        document.original_sha256 = sha256_hex(original)
        stem, _, extension = name.rpartition(".")
        document.original_file.save(f"{stem}-as-uploaded.{extension}", ContentFile(original), save=False)
        filestore.stored(document.original_file)
    document.full_clean()
    document.save()
    return document


# -- the supplement workflow ----------------------------------------------------------------------------
def refuse_return_to_draft_once_published(sender, *, supplement: Supplement, **kwargs) -> None:
    """``offerings.signals.supplement_return_to_draft_requested`` receiver: investors' copies must stay true.

    Once a package version holding the supplement is published, investors may already have its frozen
    bytes; changing the supplement now would leave them with a document the portal no longer holds.
    """
    versions = sorted(
        PackageDocument.objects.filter(supplement=supplement).values_list("package_version__number", flat=True)
    )
    if versions:
        raise ValidationError(
            {
                "status": f"{supplement} is in published delivery package version "
                f"{', '.join(f'v{n}' for n in versions)}; investors have its documents, so it cannot return to "
                "draft. Draft a new supplement for the correction."
            }
        )
