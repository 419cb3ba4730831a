import json
import re

import pytest
from django.db import transaction
from pypdf import PdfReader

from documents import rendering, selectors
from offerings.dossier.importer import import_dossier
from offerings.models import Supplement
from tests.actors import TEST_ACTOR
from tests.conftest import BESTNET_DOSSIER


def normalize(text: str) -> str:
    """Whitespace-insensitive text: line breaks and runs of spaces become one space (hyphen breaks join)."""
    text = re.sub(r"-\s*\n\s*", "-", text)
    return " ".join(text.split())


def frozen_bytes(*, supplement: Supplement, format: str) -> bytes | None:
    """The bytes an approved or filed supplement serves in ``format`` (hash checked), None if not frozen."""
    rendition = selectors.frozen_rendition(supplement=supplement, format=format)
    return None if rendition is None else selectors.rendition_bytes(rendition=rendition)


_FURNITURE = re.compile(r"^(Registration Nos?\. [0-9, and-]+|S-\d+)$")


def pdf_text(data: bytes) -> str:
    """The PDF's text, page by page, without each page's running header and page number (which the extraction
    puts after the page's body, so a sentence running onto the next page would read through them)."""
    import io

    reader = PdfReader(io.BytesIO(data))
    pages = []
    for page in reader.pages:
        lines = page.extract_text().splitlines()
        while lines and _FURNITURE.match(lines[-1].strip()):
            lines.pop()
        pages.append("\n".join(lines))
    return "\n".join(pages)


def render_dossier(data: dict) -> dict:
    """Import ``data`` and render its (single) supplement in all three formats, then roll everything back."""
    with transaction.atomic():
        registration = import_dossier(actor=TEST_ACTOR, data=data).registration
        supplement = Supplement.objects.get(prospectus__registration_statement=registration)
        renditions = rendering.render_all(supplement=supplement)
        transaction.set_rollback(True)
    renditions["pdf_text"] = pdf_text(renditions["pdf"])
    return renditions


@pytest.fixture(scope="module")
def render_module_dossier(django_db_setup, django_db_blocker):
    """Render a dossier once per test module (PDF renders are the slow part of these tests)."""
    cache: dict[int, dict] = {}

    def render(key: int, data: dict) -> dict:
        if key not in cache:
            with django_db_blocker.unblock():
                cache[key] = render_dossier(data)
        return cache[key]

    return render


@pytest.fixture(scope="module")
def bestnet_renditions(render_module_dossier) -> dict:
    return render_module_dossier(0, json.loads(BESTNET_DOSSIER.read_text()))


# -- the renditions' format rules, shared by the tests of every kind of supplement ------------------------------

PROSE_WIDTH = 80
TABLE_WIDTH = 132


def text_problems(data: bytes) -> list[str]:
    """EDGAR text rules: 7-bit printable ASCII, tables within 132 columns, prose within 80.

    Prose lines come from wrapped paragraphs (runs of spaces squeezed to one, indented at most ten), so a line
    with two spaces inside it, or one pushed far right (a table header's upper line), is a table row, a
    preformatted statement line or the cover's two columns; only those may pass 80.
    """
    problems = [f"byte {b:#04x}" for b in sorted(set(data)) if not (0x20 <= b < 0x7F or b == 0x0A)]
    for number, line in enumerate(data.decode("ascii", "replace").splitlines(), start=1):
        tabular = "  " in line.strip() or line.startswith(" " * 11) or not line.strip(" -")
        if len(line) > TABLE_WIDTH or (len(line) > PROSE_WIDTH and not tabular):
            problems.append(f"line {number} has {len(line)} characters: {line[:60]!r}")
    return problems


def pdf_overflow(html: str) -> list[str]:
    """Text the PDF layout puts outside the page's margins (laid out exactly as ``documents.pdf`` renders)."""
    from documents import pdf as weasy

    weasyprint = weasy._weasyprint()
    from weasyprint.formatting_structure import boxes

    renderer = weasy._renderer(weasy.static_roots())
    document = weasyprint.HTML(string=html, base_url=weasy.STATIC_BASE, url_fetcher=renderer.fetcher).render(
        stylesheets=[renderer.stylesheet], font_config=renderer.font_config
    )
    problems = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left, right = page_box.margin_left - 0.5, page_box.margin_left + page_box.width + 0.5
        for box in page_box.descendants():
            if isinstance(box, boxes.TextBox) and (box.position_x < left or box.position_x + box.width > right):
                problems.append(
                    f"page {number}: {box.text[:40]!r} spans {box.position_x:.0f}-{box.position_x + box.width:.0f}"
                )
    return problems
