"""Staff read a record's history in the admin: who, when, and each field's old and new value."""

from django.test import Client
from django.urls import reverse

from audit.events import record_event
from delivery.services import links
from delivery.services.packages import publish_package
from offerings.services.records import save_record
from tests import factories
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration


def test_the_history_page_shows_old_and_new_values_and_the_actors(staff_client, staff, db):
    holder = factories.SellingStockholderFactory.build(
        registration_statement=factories.RegistrationStatementFactory(), name="Alpha Partners LP"
    )
    save_record(actor=TEST_ACTOR, record=holder)
    holder.name = "Alpha Partners II LP"
    save_record(actor=staff, record=holder)
    response = staff_client.get(reverse("admin:offerings_sellingstockholder_history", args=[holder.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "name: Alpha Partners LP → Alpha Partners II LP" in page
    assert "name: (none) → Alpha Partners LP" in page
    assert "counsel" in page and "command pytest" in page
    assert page.index("Alpha Partners LP → Alpha Partners II LP") < page.index("(none) → Alpha Partners LP")


def test_workflow_events_show_their_facts(staff_client, staff, db):
    supplement = factories.SupplementFactory()
    record_event(actor=staff, record=supplement, event="returned_to_draft", data={"reason": "Wrong 10-Q period"})
    page = staff_client.get(reverse("admin:offerings_supplement_history", args=[supplement.pk])).content.decode()
    assert "Returned to draft" in page and "reason: Wrong 10-Q period" in page


def test_record_text_is_escaped_on_the_history_page(staff_client, staff, db):
    holder = factories.SellingStockholderFactory(name="Alpha")
    holder.name = "<script>alert(1)</script>"
    save_record(actor=staff, record=holder)
    page = staff_client.get(reverse("admin:offerings_sellingstockholder_history", args=[holder.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_deliverys_history_shows_its_link_revoked(staff_client, staff, db):
    package = publish_package(actor=TEST_ACTOR, registration=make_registration(investors=1))
    delivery = links.create_deliveries(actor=TEST_ACTOR, package_version=package)[0].delivery
    links.revoke_link(actor=staff, delivery=delivery)
    response = staff_client.get(reverse("admin:delivery_delivery_history", args=[delivery.pk]))
    assert response.status_code == 200
    assert "status: pending → revoked" in response.content.decode()


def test_the_history_of_a_missing_record_redirects_and_anonymous_users_log_in(staff_client, db):
    assert staff_client.get(reverse("admin:offerings_sellingstockholder_history", args=[999999])).status_code == 302
    holder = factories.SellingStockholderFactory()
    response = Client().get(reverse("admin:offerings_sellingstockholder_history", args=[holder.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
