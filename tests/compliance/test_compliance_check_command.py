"""manage.py compliance_check: text and JSON output, the JSON schema, and the exit status."""

import datetime
import io
import json

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from compliance import signals
from compliance.report import schema
from offerings.domain.findings import Finding, Severity
from tests.factories import RegistrationStatementFactory

D = datetime.date


def run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("compliance_check", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_schema_is_itself_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_json_output_validates_and_lists_the_bestnet_findings(bestnet):
    status, out = run("333-105026", "--as-of", "2003-07-16", "--format", "json")
    report = json.loads(out)
    jsonschema.validate(report, schema(), format_checker=jsonschema.FormatChecker())
    assert status == 0
    assert report["as_of"] == "2003-07-16"
    [registration] = report["registrations"]
    assert registration["file_number"] == "333-105026"
    found = {f["code"]: f for f in registration["findings"]}
    assert found["REGISTERED_AMOUNT_UNRECONCILED"]["data"]["difference"] == 57_500
    assert {"PROCEEDS_VERIFIED", "CONDITION_PENDING"} <= set(found)
    assert "INCORPORATION_MISSING" not in found


def test_schema_rejects_a_report_with_an_unknown_severity(bestnet):
    _, out = run("--as-of", "2003-07-16", "--format", "json")
    report = json.loads(out)
    report["registrations"][0]["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError, match="fatal"):
        jsonschema.validate(report, schema())


def test_exit_status_is_one_when_an_error_is_found(bestnet):
    status, out = run("--as-of", "2004-02-20", "--format", "json")
    assert status == 1
    severities = {f["severity"] for r in json.loads(out)["registrations"] for f in r["findings"]}
    assert "error" in severities


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2003-07-16", 0), ("2003-11-20", 0), ("2003-12-02", 1), ("2004-02-19", 1), ("2004-02-20", 1)],
)
def test_exit_status_is_one_exactly_when_an_error_finding_exists(bestnet, as_of, expected):
    status, out = run("--as-of", as_of, "--format", "json")
    has_error = any(f["severity"] == "error" for r in json.loads(out)["registrations"] for f in r["findings"])
    assert status == expected == (1 if has_error else 0)


def test_missing_incorporation_makes_the_check_fail(bestnet_without_supplement):
    status, out = run("--as-of", "2003-07-16")
    assert status == 1
    assert "ERROR   INCORPORATION_MISSING" in out


def test_text_output_names_each_registration_and_finding(bestnet):
    RegistrationStatementFactory(file_number="333-200001")
    _, out = run("--as-of", "2003-07-16")
    assert out.startswith("Compliance check as of 2003-07-16")
    assert "Registration No. 333-105026 (BestNet Communications Corp.)" in out
    assert "Registration No. 333-200001" in out
    assert "WARNING REGISTERED_AMOUNT_UNRECONCILED" in out
    assert "57,500" in out


def test_all_registrations_are_checked_when_none_is_named(bestnet):
    other = RegistrationStatementFactory(file_number="333-200001")
    _, out = run("--as-of", "2003-07-16", "--format", "json")
    assert [r["file_number"] for r in json.loads(out)["registrations"]] == ["333-105026", other.file_number]


def test_unknown_file_number_is_refused_with_status_2(bestnet):
    with pytest.raises(CommandError, match="333-999999") as excinfo:
        call_command("compliance_check", "333-999999", stdout=io.StringIO())
    assert excinfo.value.returncode == 2


def test_bad_as_of_date_is_refused(bestnet):
    with pytest.raises(CommandError, match="--as-of: '2003-13-01' is not a date"):
        call_command("compliance_check", "--as-of", "2003-13-01", stdout=io.StringIO())


@pytest.mark.parametrize("as_of", ["1985-01-02", "1990-06-01", "2097-01-01", "2099-12-31"])
def test_as_of_outside_the_range_the_dashboard_takes_is_refused(bestnet, as_of):
    with pytest.raises(CommandError, match="outside 1991-01-01 to 2096-12-31") as excinfo:
        call_command("compliance_check", "--as-of", as_of, stdout=io.StringIO())
    assert excinfo.value.returncode == 2


@pytest.mark.parametrize("as_of", ["1991-01-01", "2096-12-31"])
def test_as_of_at_either_end_of_the_range_runs(bestnet, as_of):
    """Exit status 0 or 1 (findings), never a refusal or a crash, at the first and the last day taken."""
    try:
        call_command("compliance_check", "--as-of", as_of, stdout=io.StringIO())
    except SystemExit as exit_:
        assert exit_.code == 1


def test_as_of_defaults_to_today_on_edgar_s_eastern_clock(bestnet, monkeypatch):
    # 01:30 UTC on July 17 is still 9:30 p.m. on July 16 in New York, while EDGAR accepts filings
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime.datetime(2003, 7, 17, 1, 30, tzinfo=datetime.UTC))
    _, out = run("--format", "json")
    assert json.loads(out)["as_of"] == "2003-07-16"


def test_checks_registered_by_other_apps_are_run_and_count(bestnet):
    def undelivered(sender, *, registration, as_of, **kwargs):
        return [
            Finding(
                code="DELIVERY_INCOMPLETE",
                severity=Severity.ERROR,
                message=f"2 investors of {registration.file_number} have not received the supplement of {as_of}.",
                subject="registration",
                subject_id=registration.pk,
            )
        ]

    signals.registration_checked.connect(undelivered, dispatch_uid="test-undelivered")
    try:
        status, out = run("--as-of", "2003-07-16", "--format", "json")
    finally:
        signals.registration_checked.disconnect(dispatch_uid="test-undelivered")
    assert status == 1
    [registration] = json.loads(out)["registrations"]
    assert registration["findings"][0]["code"] == "DELIVERY_INCOMPLETE"
    assert "2003-07-16" in registration["findings"][0]["message"]
