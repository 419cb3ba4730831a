"""The supplement page's workflow panel: its history, and the next step the signed-in user may take.

Each step is a button only for the role that may take it (docs/roles.md); otherwise the panel says why not
(missing permission, maker-checker). Submit and return to draft are POST forms that call the same services as
the changelist actions; approve and record the filing lead to their existing pages. The compliance app adds
the findings that block approval (``compliance.admin``); the records do not import the checks.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from audit.models import LogEntry

from .models import ApprovalJob, Supplement, SupplementStatus

WORKFLOW_EVENTS = ("submitted", "approved", "returned_to_draft", "filed")
# step -> (button label, the permission it needs, the role that holds it, POSTed here rather than a page)
STEPS = {
    "submit": ("Submit for review", "offerings.submit_supplement", "Preparer", True),
    "approve": ("Approve…", "offerings.review_supplement", "Reviewer", False),
    "return_to_draft": ("Return to draft", "offerings.review_supplement", "Reviewer", True),
    "file": ("Record the EDGAR filing…", "offerings.file_supplement", "Filer", False),
}
NEXT_STEPS = {
    SupplementStatus.DRAFT: ("submit",),
    SupplementStatus.REVIEW: ("approve", "return_to_draft"),
    SupplementStatus.APPROVED: ("file", "return_to_draft"),
    SupplementStatus.FILED: (),
}
POSTED_STEPS = frozenset(name for name, (_, _, _, posted) in STEPS.items() if posted)


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    url: str
    posted: bool  # a POST form on the page (else a link to the step's own page)
    blocked: str = ""  # why this user cannot take it now; no button then
    warning: str = ""  # what the step's own page will ask for (compliance findings need an override)


def step_url(supplement: Supplement, name: str) -> str:
    if name == "approve":
        return reverse("admin:offerings_supplement_approve", args=[supplement.pk])
    if name == "file":
        return reverse("admin:offerings_supplement_file", args=[supplement.pk])
    return reverse("admin:offerings_supplement_step", args=[supplement.pk, name])


def _blocked(user, supplement: Supplement, name: str) -> str:
    """Why ``user`` may not take the step now: the role's permission, then maker-checker for approval."""
    _, permission, role, _ = STEPS[name]
    if not user.has_perm(permission):
        return f"Needs the {role} role ({permission}); you do not hold it."
    if name == "approve" and supplement.changed_by_id == user.pk and not settings.PORTAL_ALLOW_SELF_APPROVAL:
        return "You last changed this draft: another reviewer must approve it (maker-checker)."
    return ""


def _pending(job: ApprovalJob | None) -> str:
    if job is None:
        return ""
    who = job.requested_by.get_username() if job.requested_by else job.requested_by_command or "a deleted account"
    return (
        f"Approval requested by {who} at {job.requested_at:%Y-%m-%d %H:%M} UTC; the task worker is rendering and "
        f"freezing the documents ({job.get_status_display().lower()})."
    )


def next_steps(
    user, supplement: Supplement, *, approval_blockers: list = (), pending_approval: ApprovalJob | None = None
) -> list[Step]:
    """The steps the supplement's status allows next, each as a button or with the reason it is blocked; while
    an approval job is queued or running, approving again is blocked."""
    steps = []
    for name in NEXT_STEPS[supplement.status]:
        label, _, _, posted = STEPS[name]
        warning = ""
        if name == "approve" and approval_blockers:
            warning = (
                "Compliance errors block approval: correct the records, or approve on the next page with an "
                "override and the reason for it."
            )
        blocked = (_pending(pending_approval) if name == "approve" else "") or _blocked(user, supplement, name)
        steps.append(Step(name, label, step_url(supplement, name), posted, blocked, warning))
    return steps


@dataclass(frozen=True)
class HistoryLine:
    what: str
    who: str
    when: object  # datetime


def history_summary(supplement: Supplement) -> list[HistoryLine]:
    """Who created the supplement and who submitted, approved, returned and filed it, oldest first, from the
    audit trail; then who last changed the draft (the user maker-checker keeps from approving it)."""
    entries = LogEntry.objects.get_for_object(supplement).order_by("timestamp", "id")
    lines = []
    for entry in entries:
        if entry.event in WORKFLOW_EVENTS:
            lines.append(HistoryLine(entry.get_event_display(), entry.actor_name or "unknown", entry.timestamp))
        elif entry.action == LogEntry.Action.CREATE and not entry.event:
            lines.append(HistoryLine("Prepared (created)", entry.actor_name or "unknown", entry.timestamp))
    if supplement.changed_by_id:
        lines.append(HistoryLine("Last changed the draft", supplement.changed_by.get_username(), None))
    return lines
