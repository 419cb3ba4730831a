"""Package versions: the files staff attach, and publishing a frozen copy of everything investors receive.

Rule: a published version never changes. Its documents' bytes are copied into it with their SHA-256, and a
supplement it holds may no longer return to draft (``refuse_return_to_draft_once_published``).
Rule: a document is what its name claims (``files.check_document``: a .pdf parses as a PDF, an .htm/.html is
HTML, a .txt is text), and a package never holds the same bytes twice; both are checked when a file is attached
and again, on the stored bytes, when a version is published.
"""

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

from .. import files, selectors
from ..models import DocumentKind, PackageDocument, PackageVersion


# -- source files ---------------------------------------------------------------------------------------
@audited
@transaction.atomic
def attach_prospectus_document(*, actor: Actor, prospectus: Prospectus, name: str, data: bytes) -> Prospectus:
    """Store the prospectus file staff upload (PDF, HTML or text); the next package version delivers it."""
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
    prospectus.full_clean()
    prospectus.save(update_fields=["document"])
    return prospectus


@audited
@transaction.atomic
def attach_report_document(*, actor: Actor, report: PeriodicReport, name: str, data: bytes) -> PeriodicReport:
    """Store the copy of a periodic report that is delivered with supplements.

    A report an approved or filed supplement delivers takes a first copy; replacing it is a correction of the
    filed record (the model refuses, naming the supplement).
    """
    field = f"report {report.key}"
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
@audited
@transaction.atomic
def publish_package(*, actor: Actor, registration: RegistrationStatement) -> PackageVersion:
    """Freeze the next package version: copies of every document's bytes, a manifest and a combined PDF.

    Refused when the prospectus file is missing, a supplement is not approved or filed, a report delivered
    with a supplement has no uploaded copy, or nothing changed since the current version. The version
    records who published it (``published_by``: the staff user; empty for a command).
    """
    registration = RegistrationStatement.objects.select_for_update().select_related("issuer").get(pk=registration.pk)
    plan = selectors.package_plan(registration=registration)
    if plan.problems:
        raise ValidationError({"package": plan.problems})
    parts = _read_parts(actor=actor, plan=plan)
    files.refuse_duplicates([part for _, part in parts])
    _refuse_unchanged(registration=registration, parts=parts)
    number = (registration.package_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PackageVersion(
        registration_statement=registration,
        number=number,
        prospectus=plan.prospectus,
        published_at=timezone.now(),
        published_by=actor_user(actor),
    )
    version.full_clean()
    version.save()
    _store_package(version=version, parts=parts)
    manifest = [{"title": d.title, "sha256": d.sha256} for d in version.documents.order_by("position")]
    record_event(actor=actor, record=version, event="published", data={"number": number, "documents": manifest})
    return version


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
        parts.append((planned, files.Part(planned.title, data, content_type)))
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


def _store_package(*, version: PackageVersion, parts: list[tuple[selectors.PlannedDocument, files.Part]]) -> None:
    """Copy every document into the version, then the combined PDF; on any failure no stored file is left."""
    registration = version.registration_statement
    stored: list[PackageDocument] = []
    try:
        for position, (planned, part) in enumerate(parts, start=1):
            stored.append(
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
                )
            )
        heading = (
            f"{registration.issuer.name}: prospectus package v{version.number}, "
            f"Registration No. {registration.file_number}"
        )
        cover = files.cover_pdf(
            heading=heading,
            lines=[(d.title, d.dated_on.isoformat() if d.dated_on else "", d.sha256) for d in stored],
        )
        combined = files.combined_pdf(
            title=heading, cover=cover, parts=[(part.title, files.to_pdf(part)) for _, part in parts]
        )
        stored.append(
            _store_document(
                version=version,
                position=len(parts) + 1,
                kind=DocumentKind.COMBINED,
                title="Complete package (one PDF with bookmarks)",
                dated_on=version.published_at.date(),
                data=combined,
                content_type=files.PDF,
            )
        )
    except BaseException:
        for document in stored:
            document.file.delete(save=False)
        raise


def _store_document(*, version: PackageVersion, position: int, kind: str, title: str, data: bytes, **fields):
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
