"""EDGAR format rules, PDF properties and the handling of hostile record text."""

import io
from html.parser import HTMLParser

import pytest
from django.conf import settings
from pypdf import PdfReader

from documents import pdf as weasy
from documents.models import SupplementRendition

from . import dossiers
from .conftest import normalize, text_problems

pytestmark = pytest.mark.django_db  # the module-scoped renders need the test database even when run alone

# Filer Manual Volume II, chapter 5: the HTML 3.2/4.0 subset EDGAR accepts (no script, form, link, style
# element, object, frame or img here: our documents need no image).
EDGAR_TAGS = {
    "html", "head", "title", "body", "p", "br", "div", "span", "b", "i", "u", "em", "strong", "small", "big",
    "sub", "sup", "center", "font", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "caption", "thead",
    "tbody", "tfoot", "tr", "td", "th", "ul", "ol", "li", "dl", "dt", "dd", "pre", "blockquote", "a",
}  # fmt: skip
EDGAR_ATTRIBUTES = {"style", "align", "valign", "width", "colspan", "rowspan", "name", "id"}

HOSTILE = {
    "img": '<img src="file:///etc/passwd">',
    "link": '<link rel="attachment" href="file:///etc/hostname">',
    "template": "{{ settings.SECRET_KEY }}",
}


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.values: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)
        self.values.extend((value or "").lower() for _, value in attrs)


def edgar_problems(data: bytes) -> list[str]:
    collector = _TagCollector()
    collector.feed(data.decode("utf-8"))
    problems = [f"tag <{t}>" for t in sorted(collector.tags - EDGAR_TAGS)]
    problems += [f"attribute {a}" for a in sorted(collector.attributes - EDGAR_ATTRIBUTES)]
    problems += [
        f"external reference in {v!r}" for v in collector.values if any(w in v for w in (":/", "url(", "@import"))
    ]
    problems += ["script"] if b"<script" in data.lower() else []
    return problems


def hostile_dossier() -> dict:
    def change(data):
        data["issuer"]["name"] = "Greywater Analytics " + HOSTILE["template"]
        data["conditions"] = [
            {
                "key": "hostile",
                "description": f"Holders wait for {HOSTILE['img']} and {HOSTILE['link']} and {HOSTILE['template']}.",
                "restricts": ["common"],
                "satisfied_on": None,
            }
        ]
        data["selling_stockholders"][1]["name"] = HOSTILE["img"]
        data["selling_stockholders"][2]["name"] = HOSTILE["link"]
        data["selling_stockholders"][3]["relationship"] = HOSTILE["template"] + " \u201csmart\u201d \u2014 quotes"

    return dossiers.with_changes(dossiers.holders_update_dossier(), change)


@pytest.fixture(scope="module")
def bestnet(bestnet_renditions):
    return bestnet_renditions


@pytest.fixture(scope="module")
def hostile(render_module_dossier):
    return render_module_dossier(10, hostile_dossier())


@pytest.fixture(scope="module")
def holders(render_module_dossier):
    return render_module_dossier(3, dossiers.holders_update_dossier())


@pytest.mark.parametrize("which", ["bestnet", "holders", "hostile"])
def test_the_html_rendition_uses_only_tags_edgar_accepts(request, which):
    assert edgar_problems(request.getfixturevalue(which)["html"]) == []


@pytest.mark.parametrize("which", ["bestnet", "holders", "hostile"])
def test_the_text_rendition_is_ascii_with_prose_in_80_and_tables_in_132_columns(request, which):
    data = request.getfixturevalue(which)["txt"]
    text = data.decode("ascii")
    assert text_problems(data) == []
    assert not any(c in text for c in "\u201c\u201d\u2018\u2019")


def test_a_table_row_stays_on_one_line_of_the_text(hostile, holders):
    for renditions in (hostile, holders):
        lines = renditions["txt"].decode("ascii").splitlines()
        for i in range(4, 50):
            row = [line for line in lines if line.startswith(dossiers.holder_name(i))]
            assert len(row) == 1 and row[0].split()[-1] in ("-", "*", "1.2%")


def test_the_pdf_is_us_letter_with_metadata_header_and_page_numbers(bestnet):
    reader = PdfReader(io.BytesIO(bestnet["pdf"]))
    assert {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages} == {(612.0, 792.0)}
    meta = reader.metadata
    assert meta.title == (
        "Prospectus Supplement dated July 16, 2003 - BestNet Communications Corp. (Registration No. 333-105026)"
    )
    assert meta.author == "BestNet Communications Corp."
    assert "Rule 424(b)(3)" in meta.subject and "May 19, 2003" in meta.subject
    assert "333-105026" in meta["/Keywords"]
    assert meta["/CreationDate"].startswith("D:20030716")
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA-1)
    pages = [normalize(page.extract_text()) for page in reader.pages]
    assert len(pages) >= 2
    assert pages[0].endswith("S-1") and pages[1].endswith("S-2")  # PORTAL_SUPPLEMENT_PAGE_PREFIX "S-"
    assert "Registration No. 333-105026" in pages[1]
    assert "This prospectus supplement is dated July 16, 2003." in pages[0]  # the date line is on the cover
    assert "Any representation to the contrary is a criminal offense." in pages[0]  # and the Item 501(b)(7) legend


def test_the_pdf_names_the_liberation_fonts(bestnet):
    reader = PdfReader(io.BytesIO(bestnet["pdf"]))
    fonts = {
        str(font["/BaseFont"]).split("+")[-1].replace("-", "")
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts == {"LiberationSerif", "LiberationSerifBold", "LiberationSans"}


@pytest.mark.parametrize("format", ["txt", "pdf_text"])
def test_hostile_record_text_renders_as_literal_text(hostile, format):
    text = hostile[format]
    text = normalize(text.decode("ascii") if isinstance(text, bytes) else text)
    for literal in HOSTILE.values():
        assert literal in text
    assert '"smart" -- quotes' in text or format == "pdf_text"


def test_hostile_record_text_is_escaped_in_the_html(hostile):
    html = hostile["html"].decode("utf-8")
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert "&lt;link rel=&quot;attachment&quot;" in html
    assert "<img" not in html and "<link" not in html


def test_no_rendition_holds_the_secret_key_or_an_embedded_file(hostile):
    secret = settings.SECRET_KEY.encode()
    for format in ("pdf", "html", "txt"):
        assert secret not in hostile[format]
    reader = PdfReader(io.BytesIO(hostile["pdf"]))
    assert reader.attachments == {}
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert b"/EmbeddedFile" not in hostile["pdf"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///etc/hostname",
        "http://example.com/style.css",
        "https://example.com/x.png",
        "data:text/plain,hello",
        weasy.STATIC_BASE + "../../../etc/passwd",
        weasy.STATIC_BASE + "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        weasy.STATIC_BASE + "supplements/missing.css",
    ],
)
def test_the_url_fetcher_refuses_everything_but_the_portals_static_files(url):
    fetcher = weasy.fetcher_class()(weasy.static_roots())
    with pytest.raises(weasy.URLRefusedError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_url_fetcher_serves_the_print_stylesheet():
    fetcher = weasy.fetcher_class()(weasy.static_roots())
    response = fetcher.fetch(weasy.STATIC_BASE + weasy.STYLESHEET)
    assert b"Liberation Serif" in response.read()
    assert response.content_type == "text/css"


def test_a_template_that_tries_to_load_local_files_gets_nothing_embedded():
    html = (
        '<html><head><link rel="attachment" href="file:///etc/hostname"></head>'
        '<body><img src="file:///etc/passwd"><p>x</p></body></html>'
    )
    data = weasy.render_pdf(html, identifier=b"0" * 32)
    reader = PdfReader(io.BytesIO(data))
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in data
    assert SupplementRendition  # the module under test imports cleanly alongside the model


def test_start_up_and_non_pdf_paths_do_not_import_weasyprint():
    import subprocess
    import sys

    code = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings.test'; django.setup(); "
        "import documents.views, documents.services, documents.receivers, documents.rendering, documents.pdf; "
        "from django.urls import reverse; reverse('documents:preview', kwargs={'supplement_id': 1, 'format': 'pdf'}); "
        "print('weasyprint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
