"""Tamper evidence: the hash chain, verify_audit_log, and the append-only table."""

import hashlib
import itertools
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, InternalError, connection, connections, transaction

from audit import chain
from audit.context import acting
from audit.models import AppendOnlyError, LogEntry
from offerings.services.records import save_record
from tests import factories
from tests.actors import TEST_ACTOR

assert LogEntry._meta.db_table == "audit_logentry"


@pytest.fixture
def entries(staff, db):
    """A few entries: created by a command, edited by a user."""
    holder = factories.SellingStockholderFactory.build(
        registration_statement=factories.RegistrationStatementFactory(), name="Alpha"
    )
    save_record(actor=TEST_ACTOR, record=holder)
    for name in ("Beta", "Gamma"):
        holder.name = name
        save_record(actor=staff, record=holder)
    return list(LogEntry.objects.order_by("id"))


def run_verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    return out.getvalue()


def raw_update(sql: str, params: list) -> None:
    """Change a stored entry behind the application's back (on PostgreSQL with the trigger disabled)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
            cursor.execute("ALTER TABLE audit_logentry DISABLE TRIGGER audit_logentry_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_logentry ENABLE TRIGGER audit_logentry_append_only")


def test_each_entry_is_chained_to_the_one_before(entries):
    assert entries[0].previous_sha256 == ""
    for before, after in itertools.pairwise(entries):
        assert after.previous_sha256 == before.sha256
    for entry in entries:
        assert entry.sha256 == hashlib.sha256(chain.canonical(entry)).hexdigest()
        assert chain.payload(entry)["actor_name"] == entry.actor_name


def test_verify_prints_ok_with_the_count_and_the_latest_hash(entries):
    output = run_verify()
    assert output.startswith(f"OK: {len(entries)} audit entries, chain intact")
    assert entries[-1].sha256 in output


def test_an_altered_value_is_named_with_its_entry_and_time(entries):
    target = entries[1]
    raw_update("UPDATE audit_logentry SET actor_name = %s WHERE id = %s", ["somebody else", target.pk])
    with pytest.raises(CommandError) as refused:
        run_verify()
    assert refused.value.returncode == 1
    message = str(refused.value)
    assert f"entry {target.pk} (" in message and "altered" in message
    assert target.timestamp.strftime("%Y-%m-%dT%H:%M:%S") in message


def test_an_altered_change_is_caught_even_with_its_hash_recomputed_in_place(entries):
    """Rewriting an entry and its own hash breaks the link from the next entry."""
    target = entries[1]
    target.changes = {"name": ["Alpha", "Forged"]}
    raw_update(
        "UPDATE audit_logentry SET changes = %s, sha256 = %s WHERE id = %s",
        ['{"name": ["Alpha", "Forged"]}', chain.entry_hash(target), target.pk],
    )
    result = chain.verify()
    assert not result.ok and result.first_break.id == entries[2].pk
    assert "does not follow" in result.first_break.reason


def test_a_deleted_entry_breaks_the_chain(entries):
    raw_update("DELETE FROM audit_logentry WHERE id = %s", [entries[1].pk])
    result = chain.verify()
    assert result.first_break.id == entries[2].pk


def test_a_forged_row_inserted_with_sql_is_caught(entries):
    last = entries[-1]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_logentry (content_type_id, object_pk, object_id, object_repr, action, changes_text,"
            " timestamp, actor_name, event, previous_sha256, sha256)"
            " VALUES (%s, %s, %s, %s, 1, '', %s, 'intruder', '', %s, %s)",
            [last.content_type_id, last.object_pk, last.object_id, "forged", last.timestamp, last.sha256, "0" * 64],
        )
    result = chain.verify()
    assert not result.ok and result.first_break.reason.endswith("(it was altered)")
    with pytest.raises(CommandError, match="Audit chain broken: entry"):
        run_verify()


def test_the_model_and_its_querysets_refuse_changes_and_deletes(entries):
    entry = entries[0]
    entry.actor_name = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LogEntry.objects.filter(pk=entry.pk).update(actor_name="changed")
    with pytest.raises(AppendOnlyError):
        LogEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        LogEntry.objects.bulk_update([entry], ["actor_name"])
    assert chain.verify().ok


def test_postgresql_refuses_update_and_delete_of_an_entry(postgresql, entries):
    for sql in ("UPDATE audit_logentry SET actor_name = 'x' WHERE id = %s", "DELETE FROM audit_logentry WHERE id = %s"):
        refused = pytest.raises((IntegrityError, InternalError), match="append-only")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entries[0].pk])
    assert chain.verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_queue_and_the_chain_never_forks(postgresql, staff):
    """Eight writers at once on PostgreSQL: the advisory lock serialises them, so every link holds."""
    registration = factories.RegistrationStatementFactory()
    errors = []

    def write(n: int) -> None:
        try:
            with acting(TEST_ACTOR), transaction.atomic():
                for i in range(5):
                    holder = factories.SellingStockholderFactory.build(
                        registration_statement=registration, name=f"Writer {n} holder {i}"
                    )
                    save_record(actor=TEST_ACTOR, record=holder)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = chain.verify()
    assert result.ok and result.count >= 40
