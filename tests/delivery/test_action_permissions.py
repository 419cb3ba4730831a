"""Least privilege for the delivery actions: only the Delivery role runs them from the deliveries list.

Part of the permission table of docs/roles.md (the offerings pages and workflow actions are in
tests/test_permissions.py).
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from delivery.models import Delivery, DeliveryMethod, DeliveryStatus
from delivery.services.links import create_deliveries
from tests.actors import TEST_ACTOR

ROLES = ["Preparer", "Reviewer", "Filer", "Delivery", "Auditor", "none"]


def _user(django_user_model, role: str):
    user = django_user_model.objects.create_user(f"user-{role.lower()}", password="a-long-pass-phrase-1", is_staff=True)
    if role != "none":
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.parametrize("role", ROLES)
def test_only_delivery_revokes_a_link_and_marks_a_postal_delivery_sent(client, django_user_model, package, role):
    create_deliveries(actor=TEST_ACTOR, package_version=package)
    deliveries = list(Delivery.objects.filter(package_version=package).order_by("id"))
    postal = deliveries[0]
    Delivery.objects.filter(pk=postal.pk).update(method=DeliveryMethod.POSTAL)
    client.force_login(_user(django_user_model, role))
    changelist = reverse("admin:delivery_delivery_changelist")
    client.post(changelist, {"action": "revoke_links", "_selected_action": [deliveries[1].pk]})
    client.post(changelist, {"action": "mark_delivered", "_selected_action": [postal.pk]})
    allowed = role == "Delivery"
    assert Delivery.objects.get(pk=deliveries[1].pk).status == (
        DeliveryStatus.REVOKED if allowed else DeliveryStatus.PENDING
    )
    assert (Delivery.objects.get(pk=postal.pk).sent_at is not None) == allowed
