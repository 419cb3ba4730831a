"""factory_boy factories for the offering records; build realistic records without JSON fixtures."""

import datetime
from decimal import Decimal

import factory

from offerings import models


class IssuerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Issuer

    name = factory.Sequence(lambda n: f"Example Holdings {n} Inc.")
    cik = factory.Sequence(lambda n: str(1_000_000 + n))
    state_of_incorporation = "Delaware"
    fiscal_year_end = "12-31"
    filer_category = models.FilerCategory.NON_ACCELERATED
    exchange_act_file_number = factory.Sequence(lambda n: f"0-{20000 + n}")


class SecurityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Security

    issuer = factory.SubFactory(IssuerFactory)
    key = factory.Sequence(lambda n: f"common_{n}")
    title = "common stock, par value $.01 per share"
    kind = models.SecurityKind.COMMON
    par_value = Decimal("0.01")


class WarrantFactory(SecurityFactory):
    key = factory.Sequence(lambda n: f"warrant_{n}")
    title = "warrants to purchase common stock"
    kind = models.SecurityKind.WARRANT
    par_value = None
    converts_into = factory.SubFactory(SecurityFactory, issuer=factory.SelfAttribute("..issuer"))
    shares_per_security = Decimal("1")
    price_per_share = Decimal("1.25")
    term = "5 years"


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Offering

    issuer = factory.SubFactory(IssuerFactory)
    key = factory.Sequence(lambda n: f"placement_{n}")
    title = "Private placement of units"
    closed_on = datetime.date(2020, 3, 16)
    units_sold = 1_000_000
    price_per_unit = Decimal("1.00")


class RegistrationStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RegistrationStatement

    issuer = factory.SubFactory(IssuerFactory)
    file_number = factory.Sequence(lambda n: f"333-{200000 + n}")
    form = models.RegistrationForm.S1
    filed_on = datetime.date(2020, 4, 1)
    effective_on = datetime.date(2020, 5, 1)
    forward_incorporation = False


class ProspectusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Prospectus

    registration_statement = factory.SubFactory(RegistrationStatementFactory)
    dated_on = datetime.date(2020, 5, 1)
    page_references = factory.LazyFunction(lambda: {"Risk Factors": 5, "Selling Stockholders": 20})


class PeriodicReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PeriodicReport

    issuer = factory.SubFactory(IssuerFactory)
    key = factory.Sequence(lambda n: f"report_{n}")
    form = models.ReportForm.F10Q
    period_end = datetime.date(2020, 6, 30)
    filed_on = datetime.date(2020, 8, 10)
    accession_number = factory.Sequence(lambda n: f"0001234567-20-{n:06d}")


class SupplementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Supplement

    prospectus = factory.SubFactory(ProspectusFactory)
    dated_on = datetime.date(2020, 8, 12)
    rule = models.SupplementRule.B3
    purpose = models.SupplementPurpose.INCORPORATION_UPDATE
    summary = "Updates the incorporated documents."


class SellingStockholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SellingStockholder

    registration_statement = factory.SubFactory(RegistrationStatementFactory)
    name = factory.Sequence(lambda n: f"Holder {n} LP")
    shares_owned_before = 100_000
    shares_offered = 100_000
    shares_owned_after = 0


class InvestorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Investor

    registration_statement = factory.SubFactory(RegistrationStatementFactory)
    name = factory.Sequence(lambda n: f"Investor {n}")
    email = factory.Sequence(lambda n: f"investor{n}@example.com")
    postal_address = "1 Main Street, Springfield"


def _issuer_of(record):
    """The issuer a record of a supplement or a prospectus is about (factory_boy passes the record's stub)."""
    where = record.supplement or record.prospectus
    prospectus = where if isinstance(where, models.Prospectus) else where.prospectus
    return prospectus.registration_statement.issuer


class NoteFactory(SecurityFactory):
    key = factory.Sequence(lambda n: f"note_{n}")
    title = "8% convertible notes due 2023"
    kind = models.SecurityKind.NOTE
    par_value = None
    converts_into = factory.SubFactory(SecurityFactory, issuer=factory.SelfAttribute("..issuer"))
    conversion_rate_per_1000 = Decimal("2500")
    principal_amount = Decimal("1000000.00")
    interest_rate = Decimal("8")
    maturity_on = datetime.date(2023, 3, 16)


class PreferredFactory(SecurityFactory):
    key = factory.Sequence(lambda n: f"preferred_{n}")
    title = "Series A Convertible Preferred Stock"
    kind = models.SecurityKind.PREFERRED
    converts_into = factory.SubFactory(SecurityFactory, issuer=factory.SelfAttribute("..issuer"))
    stated_value = Decimal("10")
    conversion_price = Decimal("2.50")
    price_per_share = Decimal("0")


class SecurityTermsChangeFactory(factory.django.DjangoModelFactory):
    """A repricing of a warrant recorded as history (no supplement announced it)."""

    class Meta:
        model = models.SecurityTermsChange

    security = factory.SubFactory(WarrantFactory)
    kind = models.TermsChangeKind.REPRICING
    effective_on = datetime.date(2021, 1, 4)
    price_before = Decimal("1.25")
    price_after = Decimal("0.75")
    description = "The board reduced the exercise price."


class SupplementSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SupplementSection

    supplement = factory.SubFactory(SupplementFactory, purpose=models.SupplementPurpose.OTHER)
    part = models.SupplementPartKind.GENERAL
    heading = "Recent developments"
    body = "The company moved its offices."


class SupplementAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SupplementAttachment

    supplement = factory.SubFactory(SupplementFactory, purpose=models.SupplementPurpose.PERIODIC_REPORT_ATTACHED)
    report = factory.SubFactory(
        PeriodicReportFactory, issuer=factory.LazyAttribute(lambda r: _issuer_of(r.factory_parent))
    )


class SupplementEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SupplementEvent

    supplement = factory.SubFactory(SupplementFactory, purpose=models.SupplementPurpose.EVENT)
    kind = models.EventKind.EXERCISE
    occurred_on = datetime.date(2020, 8, 3)
    security = factory.SubFactory(WarrantFactory, issuer=factory.LazyAttribute(lambda s: _issuer_of(s.factory_parent)))
    holder = factory.Sequence(lambda n: f"Holder {n} LP")
    shares = 10_000
    price_per_share = Decimal("1.25")
    proceeds = Decimal("12500.00")


class FinancialStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FinancialStatement

    supplement = factory.SubFactory(SupplementFactory, purpose=models.SupplementPurpose.FINANCIAL_STATEMENTS)
    title = "Condensed Consolidated Balance Sheets"
    period_end = datetime.date(2020, 6, 30)
    audited = False
    body = "Total assets 1,000,000"


class HolderTableFactory(factory.django.DjangoModelFactory):
    """A supplement's table that restates the selling holders; ``ProspectusHolderTableFactory`` for the
    prospectus's own."""

    class Meta:
        model = models.HolderTable

    supplement = factory.SubFactory(SupplementFactory, purpose=models.SupplementPurpose.SELLING_STOCKHOLDER_UPDATE)
    prospectus = None
    mode = models.HolderTableMode.RESTATE
    security = factory.SubFactory(SecurityFactory, issuer=factory.LazyAttribute(lambda s: _issuer_of(s.factory_parent)))
    beneficial_ownership_as_of = datetime.date(2020, 8, 1)
    shares_outstanding = 10_000_000
    shares_outstanding_as_of = datetime.date(2020, 8, 1)


class ProspectusHolderTableFactory(HolderTableFactory):
    supplement = None
    prospectus = factory.SubFactory(ProspectusFactory)
    mode = models.HolderTableMode.RESTATE


class HolderFootnoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HolderFootnote

    table = factory.SubFactory(HolderTableFactory)
    marker = factory.Sequence(lambda n: f"({n + 1})")
    kind = models.FootnoteKind.NATURAL_PERSONS
    text = "Jane Roe has voting and dispositive power over these shares."


class HolderRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HolderRow
        skip_postgeneration_save = True

    table = factory.SubFactory(HolderTableFactory)
    name = factory.Sequence(lambda n: f"Holder {n} LP")
    owned_before = 100_000
    offered = 100_000
    owned_after = 0

    @factory.post_generation
    def footnotes(self, create, extracted, **kwargs):
        if create and extracted:
            self.footnotes.set(extracted)
