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
