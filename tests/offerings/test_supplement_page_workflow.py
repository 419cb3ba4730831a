"""The supplement's own page: the next allowed step as a button for the user's role only, the reason when it is
blocked, pressing it moves the status through the same services (and audit events), and 403 without the role."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import LogEntry
from offerings.models import PeriodicReport, Supplement, SupplementIncorporation, SupplementStatus
from offerings.services import supplements as supplement_services
from tests.actors import TEST_ACTOR
from tests.factories import SupplementFactory

pytestmark = pytest.mark.django_db

ROLES = ["Preparer", "Reviewer", "Filer", "Delivery", "Auditor"]
# status -> role -> the buttons that role sees on the page
BUTTONS = {
    SupplementStatus.DRAFT: {"Preparer": {"submit"}},
    SupplementStatus.REVIEW: {"Reviewer": {"approve", "return_to_draft"}},
    SupplementStatus.APPROVED: {"Filer": {"file"}, "Reviewer": {"return_to_draft"}},
    SupplementStatus.FILED: {},
}
BUTTON = re.compile(r'class="button workflow-button" data-step="([a-z_]+)"')


def _user(django_user_model, role: str | None, name: str = ""):
    user = django_user_model.objects.create_user(
        name or f"user-{(role or 'none').lower()}", password="a-long-pass-phrase-1", is_staff=True
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def _draft(bestnet) -> Supplement:
    return SupplementFactory(prospectus=bestnet.prospectuses.get(), dated_on=datetime.date(2003, 7, 20))


def _page(client, supplement):
    return client.get(reverse("admin:offerings_supplement_change", args=[supplement.pk]))


def _buttons(response) -> set[str]:
    return set(BUTTON.findall(response.content.decode()))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", list(BUTTONS))
def test_each_role_sees_exactly_the_buttons_its_role_allows(client, django_user_model, bestnet, role, status):
    supplement = _draft(bestnet)
    Supplement.objects.filter(pk=supplement.pk).update(status=status)  # the buttons depend on the status alone
    client.force_login(_user(django_user_model, role))
    response = _page(client, supplement)
    assert response.status_code == 200
    assert _buttons(response) == BUTTONS[status].get(role, set())


def test_a_step_of_another_role_shows_who_may_take_it(client, django_user_model, bestnet):
    supplement = supplement_services.submit_supplement_for_review(actor=TEST_ACTOR, supplement=_draft(bestnet))
    client.force_login(_user(django_user_model, "Preparer"))
    content = _page(client, supplement).content.decode()
    assert "Needs the Reviewer role (offerings.review_supplement); you do not hold it." in content


def test_the_preparer_submits_from_the_page_and_the_audit_trail_says_so(client, django_user_model, bestnet):
    supplement = _draft(bestnet)
    client.force_login(_user(django_user_model, "Preparer"))
    response = client.post(reverse("admin:offerings_supplement_step", args=[supplement.pk, "submit"]))
    assert response.status_code == 302
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.REVIEW
    assert LogEntry.objects.filter(event="submitted", object_pk=str(supplement.pk), actor_name="user-preparer").exists()
    assert "Submitted for review: user-preparer" in _page(client, supplement).content.decode()


def test_the_reviewer_returns_to_draft_from_the_page_with_a_reason(client, django_user_model, bestnet):
    supplement = supplement_services.submit_supplement_for_review(actor=TEST_ACTOR, supplement=_draft(bestnet))
    client.force_login(_user(django_user_model, "Reviewer"))
    url = reverse("admin:offerings_supplement_step", args=[supplement.pk, "return_to_draft"])
    client.post(url, {"reason": "Correct the summary."})
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.DRAFT
    [entry] = LogEntry.objects.filter(event="returned_to_draft", object_pk=str(supplement.pk))
    assert entry.additional_data["reason"] == "Correct the summary."


def test_the_reviewer_approves_and_the_filer_files_through_the_pages_the_buttons_lead_to(
    client, django_user_model, bestnet, django_capture_on_commit_callbacks
):
    supplement = supplement_services.submit_supplement_for_review(actor=TEST_ACTOR, supplement=_draft(bestnet))
    client.force_login(_user(django_user_model, "Reviewer"))
    approve_url = reverse("admin:offerings_supplement_approve", args=[supplement.pk])
    assert f'href="{approve_url}"' in _page(client, supplement).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the approval job, run by the in-process backend
        client.post(approve_url, {"override_reason": ""})
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.APPROVED
    assert LogEntry.objects.filter(event="approved", object_pk=str(supplement.pk)).exists()

    client.force_login(_user(django_user_model, "Filer"))
    file_url = reverse("admin:offerings_supplement_file", args=[supplement.pk])
    page = _page(client, supplement).content.decode()
    assert f'href="{file_url}"' in page
    assert reverse("documents:download", kwargs={"supplement_id": supplement.pk, "format": "pdf"}) in page
    client.post(file_url, {"filed_on": "2003-07-21", "accession_number": "0000950147-03-000999"})
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.FILED
    page = _page(client, supplement).content.decode()
    assert "no further step" in page
    assert "Filed on EDGAR: user-filer" in page


def test_the_reviewer_who_last_changed_the_draft_sees_maker_checker_instead_of_approve(
    client, django_user_model, bestnet
):
    counsel = _user(django_user_model, "Reviewer")
    counsel.groups.add(Group.objects.get(name="Preparer"))
    supplement = _draft(bestnet)
    supplement_services.save_supplement(actor=counsel, supplement=supplement)
    supplement_services.submit_supplement_for_review(actor=counsel, supplement=supplement)
    client.force_login(counsel)
    response = _page(client, supplement)
    assert _buttons(response) == {"return_to_draft"}
    assert "You last changed this draft: another reviewer must approve it (maker-checker)." in response.content.decode()


def test_a_compliance_error_about_the_supplement_is_listed_and_said_to_block_approval(
    client, django_user_model, bestnet
):
    report = PeriodicReport.objects.create(
        issuer=bestnet.issuer,
        key="late_10qsb",
        form="10-QSB",
        period_end=datetime.date(2003, 8, 31),
        filed_on=datetime.date(2003, 10, 15),
    )
    draft = SupplementFactory(prospectus=bestnet.prospectuses.get(), dated_on=datetime.date(2003, 9, 1))
    SupplementIncorporation.objects.create(supplement=draft, report=report)
    supplement_services.submit_supplement_for_review(actor=TEST_ACTOR, supplement=draft)
    client.force_login(_user(django_user_model, "Reviewer"))
    response = _page(client, draft)
    content = response.content.decode()
    assert _buttons(response) == {"approve", "return_to_draft"}  # approve leads to the page that takes an override
    assert "Compliance errors block approval" in content
    assert "SUPPLEMENT_DATED_BEFORE_REPORT" in content


@pytest.mark.parametrize(
    ("role", "step", "status"),
    [
        ("Delivery", "submit", SupplementStatus.DRAFT),
        ("Auditor", "submit", SupplementStatus.DRAFT),
        ("Reviewer", "submit", SupplementStatus.DRAFT),
        (None, "submit", SupplementStatus.DRAFT),
        ("Preparer", "return_to_draft", SupplementStatus.REVIEW),
        ("Filer", "return_to_draft", SupplementStatus.REVIEW),
    ],
)
def test_posting_a_step_without_its_permission_is_refused_with_403(
    client, django_user_model, bestnet, role, step, status
):
    supplement = _draft(bestnet)
    Supplement.objects.filter(pk=supplement.pk).update(status=status)
    client.force_login(_user(django_user_model, role))
    response = client.post(reverse("admin:offerings_supplement_step", args=[supplement.pk, step]))
    assert response.status_code == 403
    supplement.refresh_from_db()
    assert supplement.status == status


def test_a_step_is_taken_only_by_post_and_only_if_it_exists(client, django_user_model, bestnet):
    supplement = _draft(bestnet)
    client.force_login(_user(django_user_model, "Preparer"))
    step = "admin:offerings_supplement_step"
    assert client.get(reverse(step, args=[supplement.pk, "submit"])).status_code == 405
    assert client.post(reverse(step, args=[supplement.pk, "approve"])).status_code == 404
    assert client.post(reverse(step, args=[supplement.pk + 999, "submit"])).status_code == 404
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.DRAFT


def test_a_step_the_status_does_not_allow_is_refused_with_the_reason_on_the_page(client, django_user_model, bestnet):
    supplement = _draft(bestnet)
    Supplement.objects.filter(pk=supplement.pk).update(status=SupplementStatus.REVIEW)
    client.force_login(_user(django_user_model, "Preparer"))
    response = client.post(reverse("admin:offerings_supplement_step", args=[supplement.pk, "submit"]), follow=True)
    assert "A supplement cannot go from in review to in review." in response.content.decode()
