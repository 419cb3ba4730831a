"""Investor CSV in bounded memory and time (issue 12): size, row and cell limits, each refusal named."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from offerings.models import Investor
from offerings.services import investors as investor_service
from offerings.services.investors import import_investors
from offerings.validators import MaxUploadSize
from tests import factories
from tests.actors import TEST_ACTOR

pytestmark = pytest.mark.django_db
IMPORT_PAGE = "/admin/delivery/delivery/import-investors/"


HEADER = "name,email,postal_address\n"


def rows(count: int, *, start: int = 0) -> str:
    return "".join(f"Investor {n},investor{n}@example.com,\n" for n in range(start, start + count))


@pytest.fixture
def registration():
    return factories.RegistrationStatementFactory()


def test_a_csv_over_the_row_limit_is_refused_naming_the_row_and_imports_nothing(registration, settings):
    settings.PORTAL_INVESTOR_CSV_MAX_ROWS = 5
    with pytest.raises(ValidationError) as caught:
        import_investors(actor=TEST_ACTOR, registration=registration, data=HEADER + rows(6))
    [problem] = caught.value.message_dict["csv"]
    assert problem.startswith("line 7: row 6 is past the limit of 5 rows a file (PORTAL_INVESTOR_CSV_MAX_ROWS)")
    assert not Investor.objects.filter(registration_statement=registration).exists()


def test_a_file_at_the_row_limit_is_imported(registration, settings):
    settings.PORTAL_INVESTOR_CSV_MAX_ROWS = 5
    imported = import_investors(actor=TEST_ACTOR, registration=registration, data=HEADER + rows(5))
    assert len(imported) == 5
    assert [investor.name for investor in imported] == [f"Investor {n}" for n in range(5)]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("N" * 301 + ",long-name@example.com,", "line 2: name is longer than 300 characters."),
        ("Long Email," + "e" * 250 + "@example.com,", "line 2: email is longer than 254 characters."),
        ('Long Address,,"' + "a" * 1001 + '"', "line 2: postal_address is longer than 1000 characters."),
    ],
)
def test_a_cell_longer_than_its_column_is_refused_naming_line_and_column(registration, row, problem):
    with pytest.raises(ValidationError) as caught:
        import_investors(actor=TEST_ACTOR, registration=registration, data=f"name,email,postal_address\n{row}\n")
    assert caught.value.message_dict["csv"] == [problem]


def test_a_cell_past_the_readers_own_limit_stops_the_file_with_its_line(registration):
    data = "name,email\nFine,fine@example.com\n" + '"' + "x" * 200_000 + '",big@example.com\n'
    with pytest.raises(ValidationError) as caught:
        import_investors(actor=TEST_ACTOR, registration=registration, data=data)
    [problem] = caught.value.message_dict["csv"]
    assert problem.startswith("line 3: field larger than field limit")
    assert not Investor.objects.filter(registration_statement=registration).exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(registration, settings):
    settings.PORTAL_INVESTOR_CSV_MAX_BYTES = 100
    data = (HEADER + rows(10)).encode()
    with pytest.raises(ValidationError) as caught:
        import_investors(actor=TEST_ACTOR, registration=registration, data=data)
    assert caught.value.message_dict["csv"] == [
        f"The file is {len(data):,} bytes; the limit is 100 bytes (PORTAL_INVESTOR_CSV_MAX_BYTES). Split it into "
        "smaller files."
    ]


def test_a_stream_is_read_no_further_than_the_size_limit(registration, settings):
    settings.PORTAL_INVESTOR_CSV_MAX_BYTES = 1000
    stream = io.BytesIO((HEADER + rows(500)).encode())
    with pytest.raises(ValidationError, match="larger than the limit of 1,000 bytes"):
        import_investors(actor=TEST_ACTOR, registration=registration, data=stream)
    assert stream.tell() <= 1001
    assert not Investor.objects.filter(registration_statement=registration).exists()


def test_rows_go_in_batches_and_a_bad_row_after_them_rolls_every_batch_back(registration, monkeypatch):
    monkeypatch.setattr(investor_service, "BATCH_SIZE", 2)
    data = HEADER + rows(7) + ",nameless@example.com,\n"
    with pytest.raises(ValidationError, match="line 9: name is missing"):
        import_investors(actor=TEST_ACTOR, registration=registration, data=data)
    assert not Investor.objects.filter(registration_statement=registration).exists()


def test_thousands_of_bad_rows_list_the_first_and_count_the_rest(registration, monkeypatch):
    monkeypatch.setattr(investor_service, "PROBLEMS_LISTED", 3)
    data = "name,email\n" + "".join(f",nameless{n}@example.com\n" for n in range(10))
    with pytest.raises(ValidationError) as caught:
        import_investors(actor=TEST_ACTOR, registration=registration, data=data)
    assert caught.value.message_dict["csv"] == [
        "line 2: name is missing.",
        "line 3: name is missing.",
        "line 4: name is missing.",
        "... and 7 more problems.",
    ]


class ExplodingUpload:
    """An upload that fails the test if anything reads it: the limit must be checked by its size."""

    size = 10_000_000
    name = "investors.csv"

    def read(self, *args):
        raise AssertionError("the upload was read")


def test_the_upload_limit_is_checked_by_the_files_size_without_reading_it(settings):
    settings.PORTAL_INVESTOR_CSV_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        MaxUploadSize("PORTAL_INVESTOR_CSV_MAX_BYTES")(ExplodingUpload())
    assert caught.value.messages == [
        "The file is 10,000,000 bytes; the limit is 1,000 bytes (PORTAL_INVESTOR_CSV_MAX_BYTES). Nothing was read."
    ]


def test_the_admin_refuses_a_csv_over_the_limit_naming_the_field(admin_client, registration, settings):
    settings.PORTAL_INVESTOR_CSV_MAX_BYTES = 100
    data = (HEADER + rows(10)).encode()
    response = admin_client.post(
        IMPORT_PAGE, {"registration": registration.pk, "csv_file": SimpleUploadedFile("i.csv", data)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"CSV file: The file is {len(data):,} bytes; the limit is 100 bytes (PORTAL_INVESTOR_CSV_MAX_BYTES)" in page
    assert not Investor.objects.filter(registration_statement=registration).exists()


def test_the_admin_streams_a_good_csv_into_the_registration(admin_client, registration):
    data = (HEADER + rows(3)).encode()
    response = admin_client.post(
        IMPORT_PAGE, {"registration": registration.pk, "csv_file": SimpleUploadedFile("i.csv", data)}
    )
    assert response.status_code == 302
    assert Investor.objects.filter(registration_statement=registration).count() == 3


def test_the_command_refuses_a_file_over_the_limit_before_reading_it(registration, settings, tmp_path):
    settings.PORTAL_INVESTOR_CSV_MAX_BYTES = 100
    path = tmp_path / "investors.csv"
    path.write_text(HEADER + rows(10))
    with pytest.raises(CommandError, match=r"the limit is 100 bytes \(PORTAL_INVESTOR_CSV_MAX_BYTES\)"):
        call_command("import_investors", registration.file_number, str(path))
    assert not Investor.objects.filter(registration_statement=registration).exists()


def test_a_header_with_a_million_columns_is_refused_without_listing_them(registration):
    with pytest.raises(ValidationError) as caught:
        import_investors(actor=TEST_ACTOR, registration=registration, data=b"name,email," + b"x," * 1_000_000 + b"\n")
    assert caught.value.message_dict["csv"] == [
        "line 1: the header has 1,000,003 columns; the columns are name,email,postal_address."
    ]
