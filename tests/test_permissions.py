"""Least privilege: every page and workflow action as each role, and as a staff user with no permission.

The table is the one in docs/roles.md; a change to a role changes both.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from offerings.models import Supplement, SupplementStatus
from offerings.services import supplements as supplement_services
from tests.actors import TEST_ACTOR
from tests.factories import SupplementFactory

ROLES = ["Preparer", "Reviewer", "Filer", "Delivery", "Auditor", "none"]
P, R, F, D, A, N = ROLES

# page -> the roles that may open it (everyone else gets 403, or the admin's login page for pages it guards)
PAGES = {
    "admin:offerings_supplement_changelist": {P, R, F, D, A},
    "admin:offerings_supplement_add": {P},
    "admin:offerings_registrationstatement_changelist": {P, R, F, D, A},
    "admin:offerings_registrationstatement_import": {P},
    "admin:offerings_periodicreport_add": {P},
    "admin:offerings_investor_add": {D},
    "admin:compliance_latefilingnotice_add": {P},
    "admin:delivery_packageversion_publish": {D},
    "admin:delivery_delivery_report": {R, F, D, A},
    "admin:delivery_delivery_import": {D},
    "compliance:dashboard": {P, R, F, D, A},
    "compliance:calendar": {P, R, F, D, A},
}
SUPPLEMENT_PAGES = {
    "admin:offerings_supplement_approve": {R},
    "admin:offerings_supplement_file": {F},
}
PREVIEWERS = {P, R, F, D, A}
# action -> (the roles that may run it, status it moves a supplement from, status it moves to)
ACTIONS = {
    "submit_for_review": ({P}, SupplementStatus.DRAFT, SupplementStatus.REVIEW),
    "approve": ({R}, SupplementStatus.REVIEW, SupplementStatus.APPROVED),
    "return_to_draft": ({R}, SupplementStatus.REVIEW, SupplementStatus.DRAFT),
}


def _user(django_user_model, role: str):
    user = django_user_model.objects.create_user(f"user-{role.lower()}", password="a-long-pass-phrase-1", is_staff=True)
    if role != N:
        user.groups.add(Group.objects.get(name=role))
    return user


def _allowed(status_code: int) -> bool:
    assert status_code in (200, 302, 403), status_code
    return status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_its_pages(client, django_user_model, bestnet, role):
    client.force_login(_user(django_user_model, role))
    supplement = Supplement.objects.get(prospectus__registration_statement=bestnet)
    opened = {name for name in PAGES if _allowed(client.get(reverse(name)).status_code)}
    opened |= {n for n in SUPPLEMENT_PAGES if _allowed(client.get(reverse(n, args=[supplement.pk])).status_code)}
    expected = {name for name, roles in {**PAGES, **SUPPLEMENT_PAGES}.items() if role in roles}
    assert opened == expected
    preview = client.get(reverse("documents:preview", kwargs={"supplement_id": supplement.pk, "format": "txt"}))
    assert _allowed(preview.status_code) == (role in PREVIEWERS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_workflow_action_runs_only_for_its_role(
    client, django_user_model, bestnet, role, action, django_capture_on_commit_callbacks
):
    roles, before, after = ACTIONS[action]
    draft = SupplementFactory(prospectus=bestnet.prospectuses.get(), dated_on=datetime.date(2003, 7, 20))
    if before == SupplementStatus.REVIEW:
        supplement_services.submit_supplement_for_review(actor=TEST_ACTOR, supplement=draft)
    client.force_login(_user(django_user_model, role))
    with django_capture_on_commit_callbacks(execute=True):  # an approval job runs in the in-process backend
        client.post(
            reverse("admin:offerings_supplement_changelist"),
            {"action": action, "_selected_action": [draft.pk]},
        )
    draft.refresh_from_db()
    assert draft.status == (after if role in roles else before)


@pytest.mark.django_db
def test_the_user_who_last_changed_a_draft_cannot_approve_it(django_user_model, bestnet):
    counsel = _user(django_user_model, R)
    counsel.groups.add(Group.objects.get(name=P))
    draft = SupplementFactory(prospectus=bestnet.prospectuses.get(), dated_on=datetime.date(2003, 7, 20))
    draft.summary = "Counsel's own wording."
    supplement_services.save_supplement(actor=counsel, supplement=draft)
    supplement_services.submit_supplement_for_review(actor=counsel, supplement=draft)
    with pytest.raises(Exception, match="maker-checker"):
        supplement_services.approve_supplement(actor=counsel, supplement=draft)
    draft.refresh_from_db()
    assert draft.status == SupplementStatus.REVIEW
    other = django_user_model.objects.create_user("second-counsel", password="a-long-pass-phrase-2", is_staff=True)
    other.groups.add(Group.objects.get(name=R))
    assert supplement_services.approve_supplement(actor=other, supplement=draft).status == SupplementStatus.APPROVED


@pytest.mark.django_db
def test_a_one_person_firm_may_allow_self_approval_and_the_approval_says_so(settings, django_user_model, bestnet):
    settings.PORTAL_ALLOW_SELF_APPROVAL = True
    counsel = _user(django_user_model, R)
    counsel.groups.add(Group.objects.get(name=P))
    draft = SupplementFactory(prospectus=bestnet.prospectuses.get(), dated_on=datetime.date(2003, 7, 20))
    supplement_services.save_supplement(actor=counsel, supplement=draft)
    supplement_services.submit_supplement_for_review(actor=counsel, supplement=draft)
    assert supplement_services.approve(actor=counsel, supplement=draft).self_approved


@pytest.mark.django_db
def test_a_draft_cannot_skip_review(bestnet):
    draft = SupplementFactory(prospectus=bestnet.prospectuses.get(), dated_on=datetime.date(2003, 7, 20))
    with pytest.raises(Exception, match="cannot go from draft to approved"):
        supplement_services.approve_supplement(actor=TEST_ACTOR, supplement=draft)
