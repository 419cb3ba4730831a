"""Email preview: the admin shows the notice as it is sent (one render_notice), with a placeholder link."""

from django.urls import reverse

from delivery.models import Delivery, DeliveryEvent
from delivery.services import notices
from delivery.services.links import create_deliveries
from tests.actors import TEST_ACTOR


def _preview(package):
    return reverse("admin:delivery_packageversion_preview", args=[package.pk])


def test_preview_and_sending_render_the_same_notice(package, mailoutbox, django_capture_on_commit_callbacks):
    create_deliveries(actor=TEST_ACTOR, package_version=package)
    delivery = Delivery.objects.filter(package_version=package).order_by("id").first()
    preview = notices.preview_notice(delivery=delivery)
    notices.send_delivery_notices(actor=TEST_ACTOR, delivery_ids=[delivery.pk])
    (sent,) = mailoutbox
    sent_text = sent.body
    placeholder_url = preview.text.split(notices.PREVIEW_LINK_TEXT)[0].rsplit("\n", 1)[1]
    assert sent.subject == preview.subject
    assert sent_text.split(placeholder_url)[0] == preview.text.split(placeholder_url)[0]


def test_the_preview_page_shows_text_and_html_and_issues_no_token(admin_client, package):
    create_deliveries(actor=TEST_ACTOR, package_version=package)
    delivery = Delivery.objects.filter(package_version=package).order_by("id").first()
    before = (delivery.token_hash, DeliveryEvent.objects.count())
    page = admin_client.get(_preview(package), {"delivery": delivery.pk}).content.decode()
    assert delivery.recipient_name in page and notices.PREVIEW_LINK_TEXT in page
    assert "&lt;p&gt;Dear" in page and "<body style=" not in page  # the HTML source, escaped, never inlined
    delivery.refresh_from_db()
    assert (delivery.token_hash, DeliveryEvent.objects.count()) == before


def test_the_html_preview_is_served_sandboxed(admin_client, package):
    response = admin_client.get(reverse("admin:delivery_packageversion_preview_html", args=[package.pk]))
    assert response.status_code == 200
    assert "sandbox" in response["Content-Security-Policy"]
    assert notices.PREVIEW_LINK_TEXT in response.content.decode()


def test_before_any_delivery_the_preview_shows_the_first_email_recipient(admin_client, package):
    page = admin_client.get(_preview(package)).content.decode()
    assert "(no delivery yet)" in page
    assert not Delivery.objects.filter(package_version=package).exists()


def test_a_delivery_page_links_to_its_preview(admin_client, package):
    create_deliveries(actor=TEST_ACTOR, package_version=package)
    delivery = Delivery.objects.filter(package_version=package).first()
    page = admin_client.get(reverse("admin:delivery_delivery_change", args=[delivery.pk])).content.decode()
    assert f"{_preview(package)}?delivery={delivery.pk}" in page


def test_a_malformed_or_foreign_delivery_is_refused_not_a_500(admin_client, package):
    assert admin_client.get(_preview(package), {"delivery": "x"}).status_code == 400
    assert admin_client.get(_preview(package), {"delivery": "999999"}).status_code == 404


def test_the_preview_needs_the_view_permission(client, django_user_model, package):
    user = django_user_model.objects.create_user("nobody", password="a-long-pass-phrase-1", is_staff=True)
    client.force_login(user)
    assert client.get(_preview(package)).status_code == 403
