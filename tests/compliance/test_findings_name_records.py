"""Findings name their record as staff know it (never "Issuer #1"), link to its admin page, and say the as-of
date, on the dashboard and on the registration page."""

import datetime

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import escape

from compliance.selectors import findings_for_registration, subject_label, subject_labels
from compliance.views import admin_url
from offerings.domain.findings import Finding, Severity
from offerings.models import PeriodicReport
from offerings.selectors.records import edgar_today
from tests.factories import IssuerFactory, PeriodicReportFactory, ProspectusFactory, SupplementFactory

D = datetime.date


def _finding(subject: str, subject_id: int | None) -> Finding:
    return Finding("TEST", Severity.ERROR, "Something to fix.", subject=subject, subject_id=subject_id)


def _reviewer_client(client, django_user_model):
    user = django_user_model.objects.create_user("counsel", password="s3cret-pass-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewer"))
    client.force_login(user)
    return client


def test_a_finding_names_the_issuer_prospectus_report_and_supplement_it_concerns(db):
    issuer = IssuerFactory(name="BestNet Communications Corp.")
    prospectus = ProspectusFactory(dated_on=D(2003, 7, 16), registration_statement__issuer=issuer)
    report = PeriodicReportFactory(issuer=issuer, period_end=D(2003, 5, 31))
    supplement = SupplementFactory(prospectus=prospectus, number=1, dated_on=D(2003, 7, 16))
    findings = [
        _finding("issuer", issuer.pk),
        _finding("prospectus", prospectus.pk),
        _finding("periodic_report", report.pk),
        _finding("supplement", supplement.pk),
    ]
    labels = subject_labels(findings)
    names = [subject_label(f, labels) for f in findings]
    assert names[0] == "BestNet Communications Corp."
    assert names[1].startswith("Prospectus dated July 16, 2003")
    assert names[2] == "Quarterly Report on Form 10-Q for the quarterly period ended May 31, 2003"
    assert names[3].startswith("Supplement No. 1 dated July 16, 2003")
    assert not any("#" in name for name in names)


def test_a_finding_whose_record_is_gone_says_so_without_a_number(db):
    finding = _finding("issuer", 999_999)
    assert subject_label(finding, subject_labels([finding])) == "Issuer (no longer on file)"
    assert subject_label(_finding("registration", None), {}) == "Registration"


def test_dashboard_names_each_record_and_links_it(client, django_user_model, bestnet_without_supplement):
    staff_client = _reviewer_client(client, django_user_model)
    response = staff_client.get(reverse("compliance:dashboard"), {"as_of": "2004-02-20"})
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["rows"]
    missing = next(row for row in rows if row["finding"].code == "INCORPORATION_MISSING")
    report = PeriodicReport.objects.get(pk=missing["finding"].subject_id)
    assert missing["label"] == report.describe()
    assert f'<a class="fix" href="{missing["url"]}">{missing["label"]}</a>' in html
    assert not any(" #" in row["label"] for row in rows)
    assert "As of February 20, 2004" in html


def test_registration_page_findings_say_the_as_of_date_and_link_named_records(
    client, django_user_model, bestnet_without_supplement
):
    staff_client = _reviewer_client(client, django_user_model)
    url = reverse("admin:offerings_registrationstatement_change", args=[bestnet_without_supplement.pk])
    html = staff_client.get(url).content.decode()
    assert "Checked as of" in html
    found = findings_for_registration(registration=bestnet_without_supplement, as_of=edgar_today())
    labels = subject_labels(found)
    linked = [f for f in found if admin_url(f.subject, f.subject_id)]
    assert linked
    for finding in linked:
        link = (
            f'<a href="{admin_url(finding.subject, finding.subject_id)}">{escape(subject_label(finding, labels))}</a>'
        )
        assert link in html
    assert " #" not in html.split("Compliance findings", 1)[-1].split("</fieldset>", 1)[0]
