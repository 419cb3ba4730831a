"""Taking a draft through review to approval in one step, for tests about what approval does (not about the
workflow's steps, which tests/test_permissions.py and tests/offerings/test_records.py pin)."""

from offerings.models import Supplement, SupplementStatus
from offerings.services import supplements as supplement_services
from tests.actors import TEST_ACTOR


def approve_for_test(supplement: Supplement) -> Supplement:
    """Submit a draft for review (as the workflow requires) and approve it, both as the test actor."""
    if Supplement.objects.get(pk=supplement.pk).status == SupplementStatus.DRAFT:
        supplement_services.submit_supplement_for_review(actor=TEST_ACTOR, supplement=supplement)
    return supplement_services.approve_supplement(actor=TEST_ACTOR, supplement=supplement)
