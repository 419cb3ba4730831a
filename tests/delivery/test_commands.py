import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from delivery.models import Delivery, DeliveryStatus, PackageDocument, PackageVersion
from offerings.services.investors import import_investors
from tests.actors import TEST_ACTOR

from .conftest import ensure_pdf_rendition, pdf_bytes


@pytest.fixture
def bestnet_files(bestnet, tmp_path):
    for supplement in bestnet.prospectuses.get().supplements.all():
        ensure_pdf_rendition(supplement)
    prospectus = tmp_path / "prospectus.pdf"
    prospectus.write_bytes(pdf_bytes(pages=3))
    annual = tmp_path / "10ksb-2002.txt"
    annual.write_text("BestNet Communications Corp. Annual Report on Form 10-KSB, fiscal 2002.\n")
    quarter = tmp_path / "10qsb-2003-05.htm"
    quarter.write_text("<html><body><p>Quarterly report for the quarter ended May 31, 2003.</p></body></html>")
    return {"prospectus": prospectus, "annual_2002": annual, "quarter_2003_05": quarter}


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def publish_bestnet(files: dict) -> tuple[str, str]:
    """``publish_package 333-105026`` with the prospectus and both report copies."""
    return run(
        "publish_package",
        "333-105026",
        "--prospectus",
        str(files["prospectus"]),
        "--report",
        f"annual_2002={files['annual_2002']}",
        "--report",
        f"quarter_2003_05={files['quarter_2003_05']}",
    )


def test_publish_package_attaches_the_files_and_prints_the_manifest(bestnet, bestnet_files):
    out, _ = publish_bestnet(bestnet_files)
    version = PackageVersion.objects.get(registration_statement=bestnet)
    assert out.splitlines()[0] == "Published package v1 for 333-105026"
    documents = list(PackageDocument.objects.filter(package_version=version))
    assert len(documents) == 5  # prospectus, the supplement, two reports, the combined PDF
    for document in documents:
        assert document.sha256 in out and document.file_name in out
    assert documents[0].sha256 == hashlib.sha256(bestnet_files["prospectus"].read_bytes()).hexdigest()
    assert [d.title for d in documents[2:4]] == [
        "Annual Report on Form 10-KSB for the fiscal year ended August 31, 2002",
        "Quarterly Report on Form 10-QSB for the quarterly period ended May 31, 2003",
    ]


def test_publish_package_without_the_report_copies_is_refused_and_attaches_nothing(bestnet, bestnet_files):
    with pytest.raises(CommandError) as caught:
        run("publish_package", "333-105026", "--prospectus", str(bestnet_files["prospectus"]))
    assert "report annual_2002" in str(caught.value)
    assert not PackageVersion.objects.exists()
    assert not bestnet.prospectuses.get().document  # the attach rolled back with the refusal


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["333-999999"], "No registration statement"),
        (["333-105026", "--report", "annual_2002"], "KEY=PATH"),
        (["333-105026", "--report", "nope=/tmp/x"], "no periodic report with that key"),
        (["333-105026", "--prospectus", "/nonexistent/p.pdf"], "cannot read"),
    ],
)
def test_publish_package_names_the_bad_argument(bestnet, args, message):
    with pytest.raises(CommandError, match=message):
        run("publish_package", *args)


def test_create_deliveries_prints_one_link_per_new_investor_once(bestnet, bestnet_files, client):
    publish_bestnet(bestnet_files)
    csv = 'name,email,postal_address\nAnn Lee,ann@example.com,\nBo Post,,"1 Elm St"\n'
    import_investors(actor=TEST_ACTOR, registration=bestnet, data=csv)
    out, _ = run("create_deliveries", "333-105026")
    lines = [line.split("\t") for line in out.splitlines()]
    assert [(name, email) for name, email, _ in lines] == [("Ann Lee", "ann@example.com"), ("Bo Post", "")]
    for _, _, url in lines:
        path = url.removeprefix("http://127.0.0.1:8000")
        assert client.get(path).status_code == 200
    assert run("create_deliveries", "333-105026")[0] == ""  # nobody new; links are never shown again


def test_create_deliveries_with_send_emails_the_links(
    bestnet, bestnet_files, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_BASE_URL = "https://portal.example"
    publish_bestnet(bestnet_files)
    import_investors(actor=TEST_ACTOR, registration=bestnet, data="name,email\nAnn Lee,ann@example.com\n")
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run("create_deliveries", "333-105026", "--send")
    assert out == "Ann Lee\tann@example.com\temailed\n"
    assert "https://portal.example/d/" in mailoutbox[0].body
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_create_deliveries_needs_a_published_package(bestnet):
    with pytest.raises(CommandError, match="run publish_package first"):
        run("create_deliveries", "333-105026")


def test_delivery_report_writes_csv_and_pdf(bestnet, tmp_path):
    out, _ = run("delivery_report", "333-105026", "--format", "csv")
    assert out.startswith("package_version,position,kind,title,date,size_bytes,sha256")  # the documents first
    assert "\n\npackage_version,recipient,email,method,status" in out  # then the deliveries
    target = tmp_path / "report.pdf"
    run("delivery_report", "333-105026", "--format", "pdf", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF-")
