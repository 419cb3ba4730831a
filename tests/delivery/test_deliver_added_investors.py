"""Deliver to recipients without a delivery: investors added after publishing get one from the version's page."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from delivery.models import Delivery, DeliveryMethod
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from tests import factories
from tests.actors import TEST_ACTOR

from .conftest import approved_supplement


def _url(package):
    return reverse("admin:delivery_packageversion_deliver", args=[package.pk])


def _delivery_user(django_user_model, role="Delivery"):
    user = django_user_model.objects.create_user(f"u-{role}", password="a-long-pass-phrase-1", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_create_deliveries_skips_recipients_who_already_have_one(package):
    create_deliveries(actor=TEST_ACTOR, package_version=package)
    factories.InvestorFactory(registration_statement=package.registration_statement)
    again = create_deliveries(actor=TEST_ACTOR, package_version=package)
    assert len(again) == 1 and Delivery.objects.filter(package_version=package).count() == 4


def test_delivery_role_delivers_to_an_investor_added_after_publishing_and_sees_the_link_once(
    client, django_user_model, package
):
    create_deliveries(actor=TEST_ACTOR, package_version=package)
    added = factories.InvestorFactory(registration_statement=package.registration_statement, name="Late Investor")
    client.force_login(_delivery_user(django_user_model))
    page = client.get(_url(package)).content.decode()
    assert "Late Investor" in page and "1 recipient " in page
    response = client.post(_url(package), {})
    delivery = Delivery.objects.get(package_version=package, investor=added)
    assert response.status_code == 200 and "/d/" in response.content.decode()
    assert delivery.token_hash  # issued now and shown on this page only
    assert Delivery.objects.filter(package_version=package).count() == 4


def test_delivering_with_email_queues_notices_and_shows_postal_links_only(
    client, django_user_model, package, mailoutbox, django_capture_on_commit_callbacks
):
    registration = package.registration_statement
    factories.InvestorFactory(registration_statement=registration, email="", postal_address="1 Main St")
    client.force_login(_delivery_user(django_user_model))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(package), {"send": "on"})
    assert response.status_code == 200
    assert len(mailoutbox) == 3
    postal = Delivery.objects.get(package_version=package, method=DeliveryMethod.POSTAL)
    assert postal.recipient_name in response.content.decode()


@pytest.mark.parametrize("role", ["Preparer", "Reviewer", "Filer", "Auditor"])
def test_only_the_delivery_role_may_deliver(client, django_user_model, package, role):
    client.force_login(_delivery_user(django_user_model, role))
    assert client.get(_url(package)).status_code == 403
    assert client.post(_url(package), {}).status_code == 403
    assert not Delivery.objects.filter(package_version=package).exists()


def test_a_superseded_version_is_not_delivered(admin_client, package):
    registration = package.registration_statement
    approved_supplement(registration.prospectuses.get(), number=2)
    publish_package(actor=TEST_ACTOR, registration=registration)
    response = admin_client.post(_url(package), {})
    assert response.status_code == 302
    assert not Delivery.objects.filter(package_version=package).exists()


def test_with_everyone_delivered_the_page_says_so_and_creates_nothing(admin_client, package):
    create_deliveries(actor=TEST_ACTOR, package_version=package)
    assert "has a delivery" in admin_client.get(_url(package)).content.decode()
    admin_client.post(_url(package), {})
    assert Delivery.objects.filter(package_version=package).count() == 3


def test_the_version_page_shows_the_deliver_button_to_the_delivery_role(client, django_user_model, package):
    client.force_login(_delivery_user(django_user_model))
    page = client.get(reverse("admin:delivery_packageversion_change", args=[package.pk])).content.decode()
    assert _url(package) in page
