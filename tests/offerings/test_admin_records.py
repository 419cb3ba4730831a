"""Staff screens of the records for every kind of supplement: notes and price history, holder tables as filed,
attachments, events and financial statements; what an approved supplement holds is read-only."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offerings.models import (
    FinancialStatement,
    HolderFootnote,
    HolderRow,
    HolderTable,
    Issuer,
    Prospectus,
    Security,
    SecurityKind,
    SecurityTermsChange,
    Supplement,
    SupplementAttachment,
    SupplementEvent,
    SupplementPurpose,
    SupplementSection,
)
from tests import factories
from tests.workflow import approve_for_test

pytestmark = pytest.mark.django_db

SUPPLEMENT_INLINES = [SupplementAttachment, SupplementEvent, FinancialStatement, SupplementSection]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_values(form) -> dict:
    """What the browser posts back for ``form`` as rendered (unchanged)."""
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(bound.field, forms.NullBooleanField):
            data[bound.html_name] = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif value is not None:
            data[bound.html_name] = str(value)
    return data


def page_data(response) -> dict:
    """The POST data of an admin add or change page as rendered: the form, each inline's rows, management forms."""
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_values(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_values(form))
    return data


def inline_of(response, model):
    return next(i for i in response.context["inline_admin_formsets"] if i.formset.model is model)


def add_row(data: dict, response, model, **fields) -> None:
    """Add one new row of ``model``'s inline to ``data`` (its prefix read from the page)."""
    prefix = inline_of(response, model).formset.prefix
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": str(value) for name, value in fields.items()})


def assert_saved(response) -> None:
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response


@pytest.fixture
def staff(admin_client):
    return admin_client


@pytest.fixture
def supplement():
    return factories.SupplementFactory(purpose=SupplementPurpose.SELLING_STOCKHOLDER_UPDATE)


@pytest.fixture
def issuer(supplement) -> Issuer:
    return supplement.prospectus.registration_statement.issuer


@pytest.mark.parametrize("model", [SecurityTermsChange, HolderTable])
def test_changelist_and_add_pages_load(staff, model):
    assert staff.get(admin_url(model, "changelist")).status_code == 200
    assert staff.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize(
    "factory",
    [
        factories.SecurityTermsChangeFactory,
        factories.HolderTableFactory,
        factories.ProspectusHolderTableFactory,
        factories.NoteFactory,
        factories.PreferredFactory,
    ],
)
def test_change_pages_of_factory_records_load(staff, factory):
    record = factory()
    assert staff.get(admin_url(type(record), "change", record.pk)).status_code == 200


def test_parent_pages_show_the_new_records(staff):
    table = factories.HolderTableFactory()
    footnote = factories.HolderFootnoteFactory(table=table)
    factories.HolderRowFactory(table=table, name="Alpha Capital LP", footnotes=[footnote])
    attachment = factories.SupplementAttachmentFactory(supplement=table.supplement)
    factories.SupplementEventFactory(supplement=table.supplement, security=table.security)
    factories.FinancialStatementFactory(supplement=table.supplement)
    change = factories.SecurityTermsChangeFactory(security=factories.WarrantFactory(issuer=table.security.issuer))
    other = factories.ProspectusHolderTableFactory()

    supplement_page = staff.get(admin_url(Supplement, "change", table.supplement.pk))
    assert supplement_page.status_code == 200
    body = supplement_page.content.decode()
    assert admin_url(HolderTable, "change", table.pk) in body
    assert attachment.report.describe() in body
    assert "Condensed Consolidated Balance Sheets" in body
    assert staff.get(admin_url(Security, "change", change.security.pk)).status_code == 200
    prospectus_page = staff.get(admin_url(Prospectus, "change", other.prospectus.pk))
    assert admin_url(HolderTable, "change", other.pk) in prospectus_page.content.decode()
    table_page = staff.get(admin_url(HolderTable, "change", table.pk))
    assert "Alpha Capital LP" in table_page.content.decode()


@pytest.mark.parametrize("model_name", ["securitytermschange", "holdertable", "security", "issuer", "prospectus"])
def test_changelist_queries_do_not_grow_with_the_rows(staff, model_name):
    url = reverse(f"admin:offerings_{model_name}_changelist")
    factories.HolderRowFactory()
    factories.SecurityTermsChangeFactory()
    staff.get(url)
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    for _ in range(5):
        factories.HolderRowFactory(table=factories.HolderTableFactory())
        factories.HolderRowFactory(table=factories.ProspectusHolderTableFactory())
        factories.SecurityTermsChangeFactory(supplement=factories.SupplementFactory())
        factories.NoteFactory()
    with CaptureQueriesContext(connection) as many:
        staff.get(url)
    assert len(many) == len(few)


def post_one_row_of_each_inline(staff, supplement, issuer):
    url = admin_url(Supplement, "change", supplement.pk)
    page = staff.get(url)
    data = page_data(page)
    report = factories.PeriodicReportFactory(issuer=issuer, form="10-Q")
    warrant = factories.WarrantFactory(issuer=issuer)
    add_row(data, page, SupplementAttachment, report=report.pk, position=1)
    add_row(
        data,
        page,
        SupplementEvent,
        kind="exercise",
        occurred_on="2020-08-03",
        security=warrant.pk,
        holder="Alpha Capital LP",
        shares=10000,
        price_per_share="1.25",
        proceeds="12500.00",
        position=1,
    )
    add_row(
        data,
        page,
        FinancialStatement,
        title="Balance Sheets",
        period_end="2020-06-30",
        audited="false",
        body="Total assets",
        position=1,
    )
    add_row(data, page, SupplementSection, part="events", heading="Exercises", body="Holders exercised.", position=2)
    return staff.post(url, data)


def test_posting_the_supplement_form_creates_a_row_in_each_new_inline(staff, supplement, issuer):
    assert_saved(post_one_row_of_each_inline(staff, supplement, issuer))

    assert supplement.attachments.get().report.form == "10-Q"
    event = supplement.events.get()
    assert (event.holder, event.shares, event.security.issuer) == ("Alpha Capital LP", 10000, issuer)
    statement = supplement.financial_statements.get()
    assert (statement.title, statement.audited) == ("Balance Sheets", False)
    assert supplement.sections.get().part == "events"


def test_a_supplement_key_is_edited_in_the_main_form(staff, supplement):
    url = admin_url(Supplement, "change", supplement.pk)
    data = page_data(staff.get(url))
    data["key"] = "supplement_3"
    assert_saved(staff.post(url, data))
    supplement.refresh_from_db()
    assert supplement.key == "supplement_3"


def test_the_new_inlines_are_read_only_once_the_supplement_is_approved(staff, supplement, issuer):
    assert_saved(post_one_row_of_each_inline(staff, supplement, issuer))
    approve_for_test(supplement)
    url = admin_url(Supplement, "change", supplement.pk)

    page = staff.get(url)
    assert page.status_code == 200
    for model in [*SUPPLEMENT_INLINES, HolderTable, SecurityTermsChange]:
        inline = inline_of(page, model)
        assert not inline.has_add_permission, model
        assert not inline.has_change_permission, model
        assert not inline.has_delete_permission, model
    body = page.content.decode()
    assert "Alpha Capital LP" in body  # shown, as text
    assert 'name="events-0-holder"' not in body
    assert 'name="sections-0-body"' not in body
    # A forged POST changes nothing.
    data = page_data(page)
    add_row(data, page, SupplementSection, part="general", heading="Late", body="Too late.")
    assert staff.post(url, data).status_code == 403
    assert supplement.sections.count() == 1


def holder_table_page_data(staff, url, **fields):
    page = staff.get(url)
    data = page_data(page)
    data.update({name: str(value) for name, value in fields.items()})
    return page, data


def test_posting_a_holder_table_with_footnotes_and_rows(staff, supplement, issuer):
    common = factories.SecurityFactory(issuer=issuer)
    page, data = holder_table_page_data(
        staff,
        admin_url(HolderTable, "add"),
        supplement=supplement.pk,
        security=common.pk,
        mode="amend",
        shares_outstanding=12_000_000,
        beneficial_ownership_as_of="2020-08-01",
    )
    add_row(
        data,
        page,
        HolderFootnote,
        marker="(1)",
        kind="natural_persons",
        text="John Doe has voting and dispositive power.",
    )
    add_row(
        data,
        page,
        HolderRow,
        position=1,
        name="Alpha Capital LP",
        change="added",
        owned_before=150000,
        offered=150000,
        owned_after=0,
        percent_after="0",
        natural_persons="John Doe",
    )
    assert_saved(staff.post(admin_url(HolderTable, "add"), data))

    table = HolderTable.objects.get(supplement=supplement)
    assert table.mode == "amend"
    footnote = table.footnotes.get()
    row = table.rows.get()
    assert (row.name, row.offered, row.change) == ("Alpha Capital LP", 150000, "added")

    # Footnotes are offered from the row's own table only; mark the row with this one.
    factories.HolderFootnoteFactory(marker="(9)")  # another table's
    url = admin_url(HolderTable, "change", table.pk)
    page, data = holder_table_page_data(staff, url)
    choices = inline_of(page, HolderRow).formset.forms[0].fields["footnotes"].choices
    assert [value for value, _ in choices] == [footnote.pk]
    data["rows-0-footnotes"] = [str(footnote.pk)]
    assert_saved(staff.post(url, data))
    assert list(row.footnotes.all()) == [footnote]


def test_a_holder_table_of_an_approved_supplement_is_read_only(staff, supplement):
    table = factories.HolderTableFactory(supplement=supplement)
    factories.HolderRowFactory(table=table, name="Alpha Capital LP")
    approve_for_test(supplement)
    url = admin_url(HolderTable, "change", table.pk)

    page = staff.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert not page.context["has_delete_permission"]
    for inline in page.context["inline_admin_formsets"]:
        assert not (inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission)
    assert 'name="rows-0-name"' not in page.content.decode()
    assert staff.post(url, {"mode": "amend"}).status_code == 403
    assert staff.post(admin_url(HolderTable, "delete", table.pk), {"post": "yes"}).status_code == 403
    table.refresh_from_db()
    assert table.mode == "restate"

    # Nor can a new table be put in the approved supplement: a form error, not a failed save.
    page, data = holder_table_page_data(staff, admin_url(HolderTable, "add"), supplement=supplement.pk)
    response = staff.post(admin_url(HolderTable, "add"), data)
    assert response.status_code == 200
    assert "content is frozen" in str(response.context["adminform"].form.errors["supplement"])


def test_price_history_rows_of_an_approved_supplement_stay_read_only_on_the_security_page(staff, supplement, issuer):
    warrant = factories.WarrantFactory(issuer=issuer)
    announced = factories.SecurityTermsChangeFactory(security=warrant, supplement=supplement)
    history = factories.SecurityTermsChangeFactory(security=warrant, effective_on="2019-01-02")
    approve_for_test(supplement)
    url = admin_url(Security, "change", warrant.pk)

    page = staff.get(url)
    forms_by_pk = {form.instance.pk: form for form in inline_of(page, SecurityTermsChange).formset.forms}
    editable = ["kind", "effective_on", "price_after", "supplement", "DELETE"]
    assert all(forms_by_pk[announced.pk].fields[name].disabled for name in editable)
    assert not any(forms_by_pk[history.pk].fields[name].disabled for name in editable)
    # Saving the page leaves the announced change alone, even with it ticked for deletion; history changes.
    data = page_data(page)
    prefix = inline_of(page, SecurityTermsChange).formset.prefix
    index = list(forms_by_pk).index(announced.pk)
    data[f"{prefix}-{index}-DELETE"] = "on"
    data[f"{prefix}-{index}-price_after"] = "0.01"
    data[f"{prefix}-{1 - index}-price_after"] = "0.50"
    assert_saved(staff.post(url, data))
    announced.refresh_from_db()
    history.refresh_from_db()
    assert str(announced.price_after) == "0.750000"
    assert str(history.price_after) == "0.500000"

    # The change's own page is read-only, and no new change can be put in the approved supplement.
    assert staff.post(admin_url(SecurityTermsChange, "change", announced.pk), {}).status_code == 403
    page = staff.get(admin_url(SecurityTermsChange, "add"))
    data = page_data(page) | {"security": warrant.pk, "kind": "extension", "supplement": supplement.pk}
    response = staff.post(admin_url(SecurityTermsChange, "add"), data)
    assert response.status_code == 200
    assert "supplement" in response.context["adminform"].form.errors


def test_a_note_is_recorded_with_its_conversion_rate_and_principal(staff, issuer):
    common = factories.SecurityFactory(issuer=issuer)
    page = staff.get(admin_url(Security, "add"))
    data = page_data(page) | {
        "issuer": issuer.pk,
        "key": "notes_2023",
        "title": "8% Convertible Notes due 2023",
        "kind": SecurityKind.NOTE,
        "converts_into": common.pk,
        "conversion_rate_per_1000": "2500",
        "principal_amount": "1500000.00",
        "interest_rate": "8",
        "maturity_on": "2023-03-16",
        "trading_symbol": "",
    }
    assert_saved(staff.post(admin_url(Security, "add"), data))
    note = Security.objects.get(key="notes_2023")
    assert (note.conversion_rate_per_1000, note.converts_into) == (2500, common)


def test_a_combined_prospectus_cannot_cover_its_own_registration(staff):
    prospectus = factories.ProspectusFactory()
    earlier = factories.RegistrationStatementFactory(issuer=prospectus.registration_statement.issuer)
    url = admin_url(Prospectus, "change", prospectus.pk)
    data = page_data(staff.get(url))
    data["also_covers"] = [str(prospectus.registration_statement.pk)]
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "also_covers" in response.context["adminform"].form.errors
    data["also_covers"] = [str(earlier.pk)]
    assert_saved(staff.post(url, data))
    assert list(prospectus.also_covers.all()) == [earlier]


def test_issuers_filter_by_foreign_private_issuer(staff):
    factories.IssuerFactory(name="Domestic Inc.")
    factories.IssuerFactory(name="Overseas plc", foreign_private_issuer=True)
    body = staff.get(admin_url(Issuer, "changelist") + "?foreign_private_issuer__exact=1").content.decode()
    assert "Overseas plc" in body
    assert "Domestic Inc." not in body
