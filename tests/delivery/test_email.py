import re

from benchmarks.delivery_load import free_port
from delivery.models import Delivery, DeliveryEvent, DeliveryStatus, EventKind
from delivery.services.links import create_deliveries
from delivery.services.notices import resend
from tests import factories
from tests.actors import TEST_ACTOR

LINK = re.compile(r"http://portal\.test/d/([A-Za-z0-9_-]{43})/")


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_sending_emails_each_investor_a_working_personal_link(
    client, mailbox, package, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        create_deliveries(actor=TEST_ACTOR, package_version=package, send=True)
    deliveries = list(Delivery.objects.filter(package_version=package))
    assert len(deliveries) == 3 and len(mailbox.messages) == 3
    for delivery in deliveries:
        (message,) = mailbox.to(delivery.recipient_email)
        assert delivery.recipient_name in text_of(message)
        assert package.registration_statement.file_number in message["Subject"]
        token = LINK.search(text_of(message)).group(1)
        html = message.get_body(preferencelist=("html",)).get_content()
        assert f"/d/{token}/" in html
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SENT and delivery.sent_at is not None
        page = client.get(f"/d/{token}/")
        assert page.status_code == 200
        assert delivery.recipient_name in page.content.decode()
        assert DeliveryEvent.objects.filter(delivery=delivery, kind=EventKind.EMAIL_SENT).count() == 1


def test_a_failed_send_marks_that_delivery_failed_and_leaves_the_others_sent(
    mailbox, package, django_capture_on_commit_callbacks
):
    registration = package.registration_statement
    failing = factories.InvestorFactory(registration_statement=registration, email="tempfail@example.com")
    bouncing = factories.InvestorFactory(registration_statement=registration, email="nobody@example.com")
    mailbox.fail_data.add(failing.email)
    mailbox.refuse.add(bouncing.email)
    with django_capture_on_commit_callbacks(execute=True):
        create_deliveries(actor=TEST_ACTOR, package_version=package, send=True)
    statuses = dict(Delivery.objects.filter(package_version=package).values_list("recipient_email", "status"))
    assert statuses.pop(failing.email) == DeliveryStatus.FAILED
    assert statuses.pop(bouncing.email) == DeliveryStatus.BOUNCED
    assert set(statuses.values()) == {DeliveryStatus.SENT}
    assert len(mailbox.messages) == 3
    failed = Delivery.objects.get(recipient_email=failing.email)
    assert "451" in failed.last_error
    assert failed.token_hash is None  # the link in the unsent email is dropped
    assert DeliveryEvent.objects.filter(delivery=failed, kind=EventKind.EMAIL_FAILED).exists()


def test_an_unreachable_mail_server_marks_every_delivery_failed(settings, package, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    with django_capture_on_commit_callbacks(execute=True):
        create_deliveries(actor=TEST_ACTOR, package_version=package, send=True)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}


def test_resending_issues_a_new_link_and_the_old_one_stops_working(
    client, mailbox, package, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        create_deliveries(actor=TEST_ACTOR, package_version=package, send=True)
    delivery = Delivery.objects.filter(package_version=package).first()
    (first,) = mailbox.to(delivery.recipient_email)
    old = LINK.search(text_of(first)).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert resend(actor=TEST_ACTOR, deliveries=[delivery]) == 1
    second = mailbox.to(delivery.recipient_email)[-1]
    new = LINK.search(text_of(second)).group(1)
    assert new != old
    assert client.get(f"/d/{old}/").status_code == 404
    assert client.get(f"/d/{new}/").status_code == 200


def test_notices_are_queued_in_batches_after_commit(settings, package, django_capture_on_commit_callbacks):
    settings.DELIVERY_SEND_BATCH_SIZE = 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        create_deliveries(actor=TEST_ACTOR, package_version=package, send=True)
    assert len(callbacks) == 2  # 3 deliveries in batches of 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    assert not Delivery.objects.exclude(token_hash=None).exists()  # links are issued when each email is sent
