"""Every service write leaves one audit entry per record it changes, with the old and new values and the actor."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from audit.context import acting, audited, current
from audit.models import LogEntry
from delivery.models import Delivery, DeliveryEvent, EventKind
from delivery.services import evidence, links, notices
from delivery.services.packages import publish_package
from offerings.actors import SystemActor
from offerings.models import Investor, PeriodicReport, Supplement, SupplementIncorporation
from offerings.services.investors import import_investors
from offerings.services.records import delete_record, save_record
from offerings.services.reports import record_periodic_report, update_periodic_report
from tests import factories
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration

IMPORTER = SystemActor("import_dossier")


def of(entries, model) -> list[LogEntry]:
    content_type = ContentType.objects.get_for_model(model)
    return [entry for entry in entries if entry.content_type_id == content_type.pk]


def test_creating_a_record_logs_every_value_and_the_command(since, db):
    registration = factories.RegistrationStatementFactory()
    mark = since()
    holder = factories.SellingStockholderFactory.build(registration_statement=registration, name="Alpha Partners LP")
    save_record(actor=IMPORTER, record=holder)
    [entry] = mark.entries()
    assert (entry.action, entry.event) == (LogEntry.Action.CREATE, "")
    assert entry.object_id == holder.pk and entry.object_repr == str(holder)
    assert entry.changes["name"] == [None, "Alpha Partners LP"]
    assert entry.changes["registration_statement"] == [None, registration.pk]
    assert entry.changes["shares_offered"] == [None, 100_000]
    assert entry.actor_id is None and entry.actor_name == "command import_dossier"


def test_editing_a_record_logs_old_and_new_values_and_the_user(since, staff, db):
    holder = factories.SellingStockholderFactory(name="Alpha Partners LP", shares_offered=100_000)
    mark = since()
    holder.name, holder.shares_offered = "Alpha Partners II LP", 75_000
    save_record(actor=staff, record=holder)
    [entry] = mark.entries()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes == {"name": ["Alpha Partners LP", "Alpha Partners II LP"], "shares_offered": [100_000, 75_000]}
    assert entry.actor == staff and entry.actor_name == "counsel" and entry.actor_email == "counsel@example.com"


def test_saving_an_unchanged_record_logs_nothing(since, db):
    supplement = factories.SupplementFactory()
    mark = since()
    save_record(actor=TEST_ACTOR, record=supplement)  # updated_at moves, and is not tracked
    assert mark.entries() == []


def test_deleting_a_record_logs_its_last_values_and_its_cascaded_rows(since, staff, db):
    supplement = factories.SupplementFactory()
    section = factories.SupplementSectionFactory(supplement=supplement)
    supplement_id, prospectus_id = supplement.pk, supplement.prospectus_id
    mark = since()
    delete_record(actor=staff, record=supplement)
    entries = mark.entries()
    assert {(e.content_type.model, e.object_id, e.action) for e in entries} == {
        ("supplement", supplement_id, LogEntry.Action.DELETE),
        ("supplementsection", section.pk, LogEntry.Action.DELETE),
    }
    [deleted] = of(entries, Supplement)
    assert deleted.changes["summary"] == ["Updates the incorporated documents.", None]
    assert deleted.changes["prospectus"] == [prospectus_id, None]
    assert all(e.actor == staff and e.actor_name == "counsel" for e in entries)


def test_recording_a_report_logs_it_and_the_supplement_it_drafts(since, db):
    prospectus = factories.ProspectusFactory()
    issuer = prospectus.registration_statement.issuer
    mark = since()
    report = PeriodicReport(
        issuer=issuer,
        form="10-Q",
        period_end=datetime.date(2020, 6, 30),
        filed_on=datetime.date(2020, 8, 10),
        accession_number="0001234567-20-000999",
    )
    recorded = record_periodic_report(actor=IMPORTER, report=report)
    entries = mark.entries()
    [report_entry] = of(entries, PeriodicReport)
    assert report_entry.action == LogEntry.Action.CREATE
    assert report_entry.changes["accession_number"] == [None, "0001234567-20-000999"]
    for draft in recorded.drafts:
        assert [e.action for e in of(entries, Supplement) if e.object_id == draft.pk] == [LogEntry.Action.CREATE]
    assert len(of(entries, SupplementIncorporation)) == len(recorded.drafts)
    assert {e.actor_name for e in entries} == {"command import_dossier"}


def test_updating_a_report_logs_the_changed_fields(since, staff, db):
    report = factories.PeriodicReportFactory(filed_on=datetime.date(2020, 8, 10))
    mark = since()
    report.filed_on = datetime.date(2020, 8, 11)
    update_periodic_report(actor=staff, report=report)
    [entry] = mark.entries()
    assert entry.changes == {"filed_on": ["2020-08-10", "2020-08-11"]}
    assert entry.actor == staff


def test_importing_investors_logs_one_entry_per_investor(since, staff, db):
    registration = factories.RegistrationStatementFactory()
    mark = since()
    created = import_investors(
        actor=staff,
        registration=registration,
        data="name,email\nAda Byron,ada@example.com\nBo Diddley,bo@example.com\n",
    )
    entries = mark.entries()
    assert len(entries) == 2 == len(of(entries, Investor))
    assert {e.object_id for e in entries} == {i.pk for i in created}
    assert {tuple(e.changes["email"]) for e in entries} == {(None, "ada@example.com"), (None, "bo@example.com")}
    assert {e.actor_name for e in entries} == {"counsel"}


@pytest.fixture
def package(db):
    registration = make_registration(investors=2)
    return publish_package(actor=TEST_ACTOR, registration=registration)


def test_creating_deliveries_logs_each_delivery_but_not_the_token_hash(since, staff, package):
    mark = since()
    issued = links.create_deliveries(actor=staff, package_version=package)
    entries = of(mark.entries(), Delivery)
    assert len(entries) == len(issued) == 2
    for entry in entries:
        assert entry.action == LogEntry.Action.CREATE and entry.actor == staff
        assert entry.changes["package_version"] == [None, package.pk]
        assert entry.changes["status"] == [None, "pending"]
        assert "token_hash" not in entry.changes
    assert not of(mark.entries(), DeliveryEvent)  # evidence is its own log


def test_link_services_log_the_delivery_before_and_after(since, staff, package):
    delivery = links.create_deliveries(actor=TEST_ACTOR, package_version=package)[0].delivery
    mark = since()
    links.revoke_link(actor=staff, delivery=delivery)
    [revoked] = [e for e in mark.entries() if not e.event]
    [event] = [e for e in mark.entries() if e.event]
    assert event.event == "link_revoked" and event.actor == staff
    assert revoked.changes["status"] == ["pending", "revoked"]
    assert revoked.changes["revoked_at"][0] is None and revoked.changes["revoked_at"][1]
    assert revoked.actor == staff

    mark = since()
    links.reissue_link(actor=staff, delivery=delivery)
    entries = mark.entries()
    assert [e.event for e in entries if e.event] == ["link_issued"]
    changed = set().union(*(e.changes for e in entries if not e.event))
    assert {"revoked_at", "token_issued_at", "token_expires_at", "status"} <= changed
    assert "token_hash" not in changed
    assert [e.actor_name for e in entries] == ["counsel"] * len(entries)  # the nested issue_link too

    mark = since()
    links.mark_delivered(actor=staff, delivery=delivery)
    [sent] = mark.entries()
    assert sent.changes["status"] == ["pending", "sent"] and sent.changes["sent_at"][0] is None


def test_email_notices_are_logged_as_the_task(since, staff, package, mailoutbox, django_capture_on_commit_callbacks):
    mark = since()
    with django_capture_on_commit_callbacks(execute=True):
        links.create_deliveries(actor=staff, package_version=package, send=True)
    entries = of(mark.entries(), Delivery)
    creates = [e for e in entries if e.action == LogEntry.Action.CREATE]
    updates = [e for e in entries if e.action == LogEntry.Action.UPDATE and not e.event]
    assert len(creates) == 2 and {e.actor_name for e in creates} == {"counsel"}
    assert updates and {e.actor_name for e in updates} == {"command send_delivery_notices"}
    assert all(e.actor_id is None for e in updates)
    assert {tuple(e.changes["status"]) for e in updates if "status" in e.changes} == {("pending", "sent")}
    assert len(mailoutbox) == 2

    mark = since()
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.resend(actor=staff, deliveries=Delivery.objects.filter(package_version=package)) == 2
    assert {e.actor_name for e in mark.entries()} == {"command send_delivery_notices"}


def test_an_investors_own_page_views_are_evidence_not_audit_entries(since, package):
    delivery = links.create_deliveries(actor=TEST_ACTOR, package_version=package)[0].delivery
    mark = since()
    evidence.record_open(delivery=delivery, ip_address="192.0.2.1", user_agent="browser")
    assert mark.entries() == []
    assert DeliveryEvent.objects.filter(delivery=delivery, kind=EventKind.PAGE_VIEW).exists()


def test_acting_scopes_nest_and_restore_the_outer_actor(since, staff, db):
    holder = factories.SellingStockholderFactory()
    mark = since()
    with acting(staff):
        with acting(IMPORTER):
            holder.name = "inner"
            holder.save()
        assert current().user == staff
        holder.name = "outer"
        holder.save()
    assert current() is None
    assert [(e.actor_name, e.actor_id) for e in mark.entries()] == [
        ("command import_dossier", None),
        ("counsel", staff.pk),
    ]


def test_audited_needs_the_actor_keyword_and_a_real_actor(db):
    @audited
    def service(*, actor):
        return current()

    assert service(actor=IMPORTER).name == "command import_dossier"
    with pytest.raises(TypeError, match="actor="):
        service()
    with pytest.raises(TypeError):
        service(actor=None)
    assert save_record.audited and links.issue_link.audited


def test_admin_requests_are_attributed_by_the_middleware(since, staff_client, staff, db):
    holder = factories.SellingStockholderFactory(name="Alpha Partners LP")
    mark = since()
    url = f"/admin/offerings/sellingstockholder/{holder.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data["name"] = "Alpha Partners II LP"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:1000]
    [entry] = mark.entries()
    assert entry.changes["name"] == ["Alpha Partners LP", "Alpha Partners II LP"]
    assert entry.actor == staff and entry.actor_name == "counsel"
    assert entry.remote_addr == "127.0.0.1"


def test_a_forged_forwarded_for_header_is_ignored_unless_trusted(since, staff_client, staff, settings, db):
    holder = factories.SellingStockholderFactory(name="A")
    url = f"/admin/offerings/sellingstockholder/{holder.pk}/delete/"
    mark = since()
    staff_client.post(url, {"post": "yes"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    [entry] = mark.entries()
    assert entry.action == LogEntry.Action.DELETE and entry.remote_addr == "127.0.0.1"


def test_bulk_created_rows_are_logged_as_auditlog_logs_a_save(since, staff, package):
    """The bulk path writes the same changes auditlog's own receiver writes for a saved row."""
    from auditlog.diff import model_instance_diff

    from audit.chain import plain_json

    mark = since()
    links.create_deliveries(actor=staff, package_version=package)
    for entry in of(mark.entries(), Delivery):
        stored = Delivery.objects.get(pk=entry.object_id)
        assert entry.changes == plain_json(model_instance_diff(None, stored, use_json_for_changes=True))
