"""Email notices survive a worker that dies mid-batch: nothing is lost and nothing is sent twice.

The protocol (delivery.services.notices): claim a notice in its own committed transaction, send, record the
mail server's answer; ``recover_notices`` marks a claim never answered "send state unknown" (not resent) and
queues again what was queued and never claimed. The rules are pinned in-process on SQLite and PostgreSQL;
the crash itself with a real ``manage.py db_worker`` killed by SIGKILL, on PostgreSQL.
"""

import datetime
import os
import signal
import subprocess
import sys
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from delivery.models import Delivery, DeliveryEvent, DeliveryStatus, EventKind, NoticeState
from delivery.services import notices
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from tests.actors import TEST_ACTOR
from tests.worker import ROOT, worker_environment

from . import smtp
from .conftest import make_registration

LATER = datetime.timedelta(hours=1)  # past any PORTAL_NOTICE_STALE_SECONDS the tests leave at its default


def _deliveries(package, *, send: bool, callbacks):
    with callbacks(execute=send):
        create_deliveries(actor=TEST_ACTOR, package_version=package, send=True)
    return list(Delivery.objects.filter(package_version=package).order_by("id"))


def test_a_claimed_notice_cannot_be_claimed_again(package, mailoutbox, django_capture_on_commit_callbacks):
    delivery = _deliveries(package, send=False, callbacks=django_capture_on_commit_callbacks)[0]
    assert delivery.notice_state == NoticeState.QUEUED
    first = notices._claim(actor=TEST_ACTOR, delivery=delivery)
    assert first is not None and first[0] == 1
    assert notices._claim(actor=TEST_ACTOR, delivery=delivery) is None
    delivery.refresh_from_db()
    assert (delivery.notice_state, delivery.notice_attempt) == (NoticeState.SENDING, 1)


def test_a_task_run_twice_sends_each_notice_once(package, mailoutbox, django_capture_on_commit_callbacks):
    ids = [d.pk for d in _deliveries(package, send=False, callbacks=django_capture_on_commit_callbacks)]
    assert notices.send_delivery_notices(actor=TEST_ACTOR, delivery_ids=ids)["sent"] == 3
    again = notices.send_delivery_notices(actor=TEST_ACTOR, delivery_ids=ids)
    assert again == {"sent": 0, "failed": 0, "bounced": 0, "skipped": 3}
    assert len(mailoutbox) == 3
    assert set(Delivery.objects.values_list("notice_state", flat=True)) == {NoticeState.SENT}


def test_each_notice_names_its_delivery_and_attempt_in_its_message_id(
    settings, package, mailoutbox, django_capture_on_commit_callbacks
):
    settings.DELIVERY_BASE_URL = "https://portal.example.com"
    deliveries = _deliveries(package, send=True, callbacks=django_capture_on_commit_callbacks)
    by_recipient = {m.to[0]: m.extra_headers["Message-ID"] for m in mailoutbox}
    for delivery in deliveries:
        assert by_recipient[delivery.recipient_email] == f"<notice-{delivery.pk}-1@portal.example.com>"
    with django_capture_on_commit_callbacks(execute=True):
        notices.resend(actor=TEST_ACTOR, deliveries=deliveries[:1])
    assert mailoutbox[-1].extra_headers["Message-ID"] == f"<notice-{deliveries[0].pk}-2@portal.example.com>"
    sent = DeliveryEvent.objects.filter(delivery=deliveries[0], kind=EventKind.EMAIL_SENT).order_by("id").last()
    assert sent.detail.endswith(f"<notice-{deliveries[0].pk}-2@portal.example.com>")


def test_a_claim_never_answered_becomes_send_state_unknown_and_is_not_resent(
    mailbox, package, django_capture_on_commit_callbacks
):
    delivery = _deliveries(package, send=False, callbacks=django_capture_on_commit_callbacks)[0]
    notices._claim(actor=TEST_ACTOR, delivery=delivery)  # the worker then died before the server answered
    assert notices.recover_notices(actor=TEST_ACTOR).unknown == []  # too recent: its worker may still be sending
    with django_capture_on_commit_callbacks(execute=True):
        recovery = notices.recover_notices(actor=TEST_ACTOR, now=timezone.now() + LATER)
    assert delivery.pk in recovery.unknown and delivery.pk not in recovery.requeued
    delivery.refresh_from_db()
    assert delivery.notice_state == NoticeState.UNKNOWN and delivery.status == DeliveryStatus.PENDING
    assert "Send state unknown" in delivery.last_error
    assert DeliveryEvent.objects.filter(delivery=delivery, kind=EventKind.EMAIL_UNKNOWN).count() == 1
    assert mailbox.to(delivery.recipient_email) == []
    outcome = notices.send_delivery_notices(actor=TEST_ACTOR, delivery_ids=[delivery.pk])
    assert outcome["skipped"] == 1 and mailbox.to(delivery.recipient_email) == []

    with django_capture_on_commit_callbacks(execute=True):
        assert notices.resend(actor=TEST_ACTOR, deliveries=[delivery]) == 1  # staff resend it deliberately
    (message,) = mailbox.to(delivery.recipient_email)
    assert message["Message-ID"] == f"<notice-{delivery.pk}-2@portal.test>"
    delivery.refresh_from_db()
    assert (delivery.notice_state, delivery.status, delivery.last_error) == (NoticeState.SENT, DeliveryStatus.SENT, "")


def test_a_notice_queued_and_never_claimed_is_queued_again_and_sent(
    mailbox, package, django_capture_on_commit_callbacks
):
    deliveries = _deliveries(package, send=False, callbacks=django_capture_on_commit_callbacks)  # task lost
    assert mailbox.messages == []
    with django_capture_on_commit_callbacks(execute=True):
        recovery = notices.recover_notices(actor=TEST_ACTOR, now=timezone.now() + LATER)
    assert recovery.requeued == [d.pk for d in deliveries] and recovery.unknown == []
    assert Counter(r for _, rcpt, _ in mailbox.messages for r in rcpt) == {d.recipient_email: 1 for d in deliveries}
    assert set(Delivery.objects.values_list("notice_state", flat=True)) == {NoticeState.SENT}


def test_the_recovery_at_worker_start_queues_recent_notices_but_leaves_recent_claims_alone(
    package, mailoutbox, django_capture_on_commit_callbacks
):
    first, *others = _deliveries(package, send=False, callbacks=django_capture_on_commit_callbacks)
    notices._claim(actor=TEST_ACTOR, delivery=first)  # claimed just now: its worker may be sending it
    with django_capture_on_commit_callbacks(execute=True):
        recovery = notices.recover_notices(actor=TEST_ACTOR, requeue_all=True)
    assert recovery.unknown == [] and recovery.requeued == [d.pk for d in others]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(d.recipient_email for d in others)
    first.refresh_from_db()
    assert first.notice_state == NoticeState.SENDING


# The crash: a real worker process, killed while the mail server holds a message it has not yet confirmed.

NOTICES = 30
KILL_AT = 10  # the worker is killed when the server has kept this many messages, before it answers the last


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killing_a_worker_mid_batch_loses_no_notice_and_sends_none_twice(settings, mailbox, processes, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: Django's SQLite test database is in memory, which a worker process cannot open")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    env = worker_environment(settings, EMAIL_URL=f"smtp://127.0.0.1:{mailbox.port}")
    log = (tmp_path / "worker.log").open("w")

    def worker(*arguments: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1", *arguments],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    package = publish_package(actor=TEST_ACTOR, registration=make_registration(investors=NOTICES))
    create_deliveries(actor=TEST_ACTOR, package_version=package, send=True)  # one task of 30, committed
    deliveries = {d.pk: d for d in Delivery.objects.filter(package_version=package)}
    assert len(deliveries) == NOTICES
    assert set(d.notice_state for d in deliveries.values()) == {NoticeState.QUEUED}

    killed = threading.Event()
    first = {}

    def kill_at(box: smtp.Mailbox) -> None:
        if len(box.messages) == KILL_AT:
            os.kill(first["worker"].pid, signal.SIGKILL)  # the server holds message 10 and has not answered it
            killed.set()

    mailbox.delay = 0.1
    mailbox.on_message = kill_at
    first["worker"] = worker()
    assert killed.wait(timeout=120), (tmp_path / "worker.log").read_text()
    assert first["worker"].wait(timeout=30) == -signal.SIGKILL
    states = Counter(Delivery.objects.filter(package_version=package).values_list("notice_state", flat=True))
    assert states == {NoticeState.SENT: KILL_AT - 1, NoticeState.SENDING: 1, NoticeState.QUEUED: NOTICES - KILL_AT}

    # The worker starts again after the recovery: the claim is judged at once, the queued rest queued again.
    recovery = subprocess.run(
        [sys.executable, "manage.py", "recover_notices", "--at-start"],
        cwd=ROOT,
        env={**env, "PORTAL_NOTICE_STALE_SECONDS": "0"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = Counter(line.split("\t")[0] for line in recovery.stdout.splitlines())
    assert lines == {"unknown": 1, "queued": NOTICES - KILL_AT}
    assert worker("--batch").wait(timeout=300) == 0, (tmp_path / "worker.log").read_text()

    final = {d.pk: d for d in Delivery.objects.filter(package_version=package)}
    states = Counter(d.notice_state for d in final.values())
    assert states[NoticeState.SENT] + states[NoticeState.UNKNOWN] == NOTICES  # none lost
    assert states[NoticeState.UNKNOWN] <= 1  # at most the one in flight at the kill
    received = Counter(rcpt for _, recipients, _ in mailbox.messages for rcpt in recipients)
    assert max(received.values()) == 1  # none sent twice
    message_ids = [m["Message-ID"] for _, _, m in mailbox.messages]
    assert len(set(message_ids)) == len(message_ids)
    for delivery in final.values():
        sent_events = DeliveryEvent.objects.filter(delivery=delivery, kind=EventKind.EMAIL_SENT).count()
        if delivery.notice_state == NoticeState.SENT:
            assert received[delivery.recipient_email] == 1 and sent_events == 1
            (message,) = mailbox.to(delivery.recipient_email)
            assert message["Message-ID"] == notices.notice_message_id(delivery_id=delivery.pk, attempt=1)
        else:
            assert sent_events == 0
            assert DeliveryEvent.objects.filter(delivery=delivery, kind=EventKind.EMAIL_UNKNOWN).count() == 1

    # Staff resend the unknown one deliberately: a new attempt, a new Message-ID, a new link.
    (unknown,) = [d for d in final.values() if d.notice_state == NoticeState.UNKNOWN]
    mailbox.on_message = None
    assert notices.resend(actor=TEST_ACTOR, deliveries=[unknown]) == 1
    assert worker("--batch").wait(timeout=300) == 0, (tmp_path / "worker.log").read_text()
    first_copy, second_copy = mailbox.to(unknown.recipient_email)
    assert first_copy["Message-ID"] == notices.notice_message_id(delivery_id=unknown.pk, attempt=1)
    assert second_copy["Message-ID"] == notices.notice_message_id(delivery_id=unknown.pk, attempt=2)
    unknown.refresh_from_db()
    assert unknown.notice_state == NoticeState.SENT and unknown.status == DeliveryStatus.SENT
