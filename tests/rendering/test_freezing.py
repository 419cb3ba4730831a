"""Approval freezes the three renditions; a failed render or store changes nothing."""

import hashlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from documents import rendering, selectors, services
from documents.models import SupplementRendition
from offerings import signals
from offerings.files import StoredFileIntegrityError
from offerings.models import Supplement, SupplementSection, SupplementStatus
from offerings.services import supplements as offering_services
from tests.actors import TEST_ACTOR
from tests.workflow import approve_for_test

from . import dossiers
from .conftest import frozen_bytes


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def draft(db):
    from offerings.dossier.importer import import_dossier

    registration = import_dossier(actor=TEST_ACTOR, data=dossiers.quarter_warrant_units_dossier()).registration
    return Supplement.objects.get(prospectus__registration_statement=registration)


@pytest.fixture
def filed(bestnet):
    return Supplement.objects.get(prospectus__registration_statement=bestnet)


def test_approval_stores_three_content_addressed_renditions_with_hash_and_size(draft, settings):
    approve_for_test(draft)
    renditions = {r.format: r for r in draft.renditions.all()}
    assert set(renditions) == {"pdf", "html", "txt"}
    for rendition in renditions.values():
        data = Path(settings.MEDIA_ROOT, rendition.file.name).read_bytes()
        assert rendition.sha256 == hashlib.sha256(data).hexdigest()
        assert rendition.size == len(data)
        assert rendition.sha256 in rendition.file.name
    assert renditions["pdf"].content_type == "application/pdf"
    assert renditions["txt"].content_type == "text/plain; charset=us-ascii"
    assert len(stored_files(settings)) == 3


def test_approving_twice_gives_the_same_sha256(draft, settings):
    first = {r.format: r.sha256 for r in services.freeze_supplement(actor=TEST_ACTOR, supplement=draft).values()}
    approve_for_test(draft)
    second = {r.format: r.sha256 for r in draft.renditions.all()}
    offering_services.return_supplement_to_draft(actor=TEST_ACTOR, supplement=draft)
    approve_for_test(draft)
    third = {r.format: r.sha256 for r in draft.renditions.all()}
    assert first == second == third
    assert len(stored_files(settings)) == 3


def test_an_approved_supplement_serves_its_frozen_bytes_even_after_the_records_change(draft):
    approve_for_test(draft)
    frozen = frozen_bytes(supplement=draft, format="txt")
    assert frozen.startswith(b"Prospectus Supplement No. 2")
    issuer = draft.prospectus.registration_statement.issuer
    issuer.name = "Renamed After Approval Corp."
    issuer.save()
    assert frozen_bytes(supplement=draft, format="txt") == frozen
    assert b"RENAMED AFTER APPROVAL" in rendering.render(supplement=draft, format="txt")


def test_a_draft_has_no_frozen_rendition(draft):
    assert selectors.frozen_rendition(supplement=draft, format="pdf") is None
    approve_for_test(draft)
    offering_services.return_supplement_to_draft(actor=TEST_ACTOR, supplement=draft)
    assert selectors.frozen_rendition(supplement=draft, format="pdf") is None


@pytest.mark.parametrize("format", ["pdf", "html", "txt"])
def test_a_render_that_raises_leaves_the_draft_and_the_storage_unchanged(draft, settings, monkeypatch, format):
    def broken(doc):
        raise RuntimeError(f"{format} renderer failed")

    monkeypatch.setitem(rendering.RENDERERS, format, broken)
    with pytest.raises(rendering.RenderError, match=f"{format} renderer failed") as raised:
        approve_for_test(draft)
    assert isinstance(raised.value.__cause__, RuntimeError)
    assert isinstance(raised.value, signals.SignalActionError)  # the offerings admin reports it
    draft.refresh_from_db()
    assert draft.status == SupplementStatus.REVIEW  # as it was: in review
    assert not SupplementRendition.objects.exists()
    assert stored_files(settings) == []


def test_a_template_error_in_staff_text_cannot_happen_and_a_template_bug_aborts_approval(draft, settings, monkeypatch):
    SupplementSection.objects.create(supplement=draft, heading="Update", body="{% load nonexistent %}{{ x|bad }}")
    assert b"{% load nonexistent %}" in rendering.render(supplement=draft, format="txt")
    monkeypatch.setattr(rendering, "edgar_html", lambda doc: rendering.render_to_string("supplements/missing.htm"))
    monkeypatch.setitem(rendering.RENDERERS, "html", rendering.edgar_html)
    with pytest.raises(Exception, match=r"missing\.htm"):
        approve_for_test(draft)
    draft.refresh_from_db()
    assert draft.status == SupplementStatus.REVIEW  # as it was: in review
    assert stored_files(settings) == []


def test_a_storage_error_after_the_first_file_leaves_no_file_behind(draft, settings, monkeypatch):
    original = default_storage.save
    calls = []

    def failing_save(name, content, **kwargs):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(name, content, **kwargs)

    monkeypatch.setattr(services._storage(), "save", failing_save)
    with pytest.raises(OSError, match="disk full"):
        approve_for_test(draft)
    draft.refresh_from_db()
    assert draft.status == SupplementStatus.REVIEW  # as it was: in review
    assert stored_files(settings) == []
    assert not SupplementRendition.objects.exists()


@pytest.fixture
def later_approval_receiver():
    """Connect a receiver of ``supplement_approved`` after the documents' freezer for one test."""

    def connect(receiver):
        signals.supplement_approved.connect(receiver, sender=Supplement, weak=False, dispatch_uid="test.later")

    yield connect
    signals.supplement_approved.disconnect(sender=Supplement, dispatch_uid="test.later")


def test_a_later_approval_hook_that_fails_rolls_back_and_deletes_the_written_files(
    draft, settings, later_approval_receiver
):
    def later_hook(sender, *, supplement, actor, **kwargs):
        assert len(stored_files(settings)) == 3  # the freezer ran and wrote its files
        raise RuntimeError("a later hook refused")

    later_approval_receiver(later_hook)
    with pytest.raises(RuntimeError, match="later hook"):
        approve_for_test(draft)
    draft.refresh_from_db()
    assert draft.status == SupplementStatus.REVIEW  # as it was: in review
    assert not SupplementRendition.objects.exists()
    assert stored_files(settings) == []


def test_rendering_the_same_supplement_again_is_byte_identical(draft):
    first = rendering.render_all(supplement=draft)
    second = rendering.render_all(supplement=draft)
    assert first == second


def test_a_supplement_that_arrives_filed_is_frozen_on_first_use_and_only_once(filed, monkeypatch):
    assert not filed.renditions.exists()
    renditions = services.ensure_frozen(actor=TEST_ACTOR, supplement=filed)
    assert set(renditions) == {"pdf", "html", "txt"}
    data = frozen_bytes(supplement=filed, format="pdf")

    def no_render(**kwargs):
        raise AssertionError("a frozen supplement must not render again")

    monkeypatch.setattr(rendering, "render_all", no_render)
    assert services.ensure_frozen(actor=TEST_ACTOR, supplement=filed)["pdf"].sha256 == hashlib.sha256(data).hexdigest()
    with pytest.raises(Exception, match="filed"):
        services.freeze_supplement(actor=TEST_ACTOR, supplement=filed)


def test_stored_bytes_that_no_longer_match_their_hash_are_refused(draft, settings):
    approve_for_test(draft)
    rendition = selectors.frozen_rendition(supplement=draft, format="txt")
    Path(settings.MEDIA_ROOT, rendition.file.name).write_bytes(b"tampered")
    with pytest.raises(StoredFileIntegrityError):
        selectors.rendition_bytes(rendition=rendition)
    with pytest.raises(StoredFileIntegrityError):
        frozen_bytes(supplement=draft, format="txt")


# -- views -----------------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, db):
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("counsel", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewer"))  # Reviewers may preview and download
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("format", "content_type", "marker"),
    [
        ("pdf", "application/pdf", b"%PDF-"),
        ("html", "text/html; charset=utf-8", b"<html>"),
        ("txt", "text/plain; charset=us-ascii", b"HARBORLINE"),
    ],
)
def test_staff_preview_a_drafts_renditions(staff_client, draft, format, content_type, marker):
    response = staff_client.get(reverse("documents:preview", kwargs={"supplement_id": draft.pk, "format": format}))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert marker in response.content
    assert "sandbox" in response["Content-Security-Policy"]


def test_preview_and_download_are_for_staff_only(client, draft):
    for name in ("documents:preview", "documents:download"):
        response = client.get(reverse(name, kwargs={"supplement_id": draft.pk, "format": "pdf"}))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_download_serves_the_frozen_bytes_and_refuses_drafts(staff_client, draft):
    url = reverse("documents:download", kwargs={"supplement_id": draft.pk, "format": "txt"})
    assert staff_client.get(url).status_code == 404
    approve_for_test(draft)
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response.content == frozen_bytes(supplement=draft, format="txt")
    assert response["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    assert "attachment" in response["Content-Disposition"]
    assert staff_client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_an_unknown_format_is_not_found(staff_client, draft):
    response = staff_client.get(f"/admin/documents/supplements/{draft.pk}/preview.docx")
    assert response.status_code == 404


# -- command ---------------------------------------------------------------------------------------------------


def test_the_command_renders_a_draft_to_a_file(draft, tmp_path):
    target = tmp_path / "draft.txt"
    call_command("render_supplement", "333-229871", "--number", "2", "--format", "txt", "--output", str(target))
    assert target.read_bytes() == rendering.render(supplement=draft, format="txt")


def test_the_command_prints_the_stored_bytes_of_a_filed_supplement(filed, capsysbinary):
    call_command("render_supplement", "333-105026", "--date", "2003-07-16", "--format", "html")
    assert capsysbinary.readouterr().out == frozen_bytes(supplement=filed, format="html")


def test_the_command_names_what_it_could_not_find(db):
    with pytest.raises(CommandError, match=r"No supplement dated 2001-01-01 under Registration No\. 333-999999"):
        call_command("render_supplement", "333-999999", "--date", "2001-01-01", "--format", "pdf")
    with pytest.raises(CommandError, match="--date"):
        call_command("render_supplement", "333-999999", "--date", "July", "--format", "pdf")


def test_returning_an_approved_supplement_to_draft_discards_its_frozen_documents(
    draft, settings, django_capture_on_commit_callbacks
):
    approve_for_test(draft)
    assert len(stored_files(settings)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        offering_services.return_supplement_to_draft(actor=TEST_ACTOR, supplement=draft)
    assert not SupplementRendition.objects.filter(supplement=draft).exists()
    assert stored_files(settings) == []
    # Back in draft it can be edited, re-approved (frozen again) or deleted.
    offering_services.update_supplement(actor=TEST_ACTOR, supplement=draft, summary="Corrected before filing.")
    approve_for_test(draft)
    assert draft.renditions.count() == 3
    offering_services.return_supplement_to_draft(actor=TEST_ACTOR, supplement=draft)
    offering_services.delete_supplement(actor=TEST_ACTOR, supplement=draft)
    assert not Supplement.objects.filter(pk=draft.pk).exists()
