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


def pdf_text(data: bytes) -> str:
    import io

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


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
