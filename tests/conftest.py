import json
from pathlib import Path

import pytest

from offerings.dossier.importer import import_dossier
from tests.actors import TEST_ACTOR

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "offerings" / "dossier" / "examples"
BESTNET_DOSSIER = EXAMPLES / "bestnet-333-105026.json"
SEED_TEXT = Path(__file__).resolve().parent / "data" / "bestnet-424b3-2003-07-16.txt"


@pytest.fixture
def bestnet_data() -> dict:
    """The BestNet dossier as parsed JSON; tests may change their copy freely."""
    return json.loads(BESTNET_DOSSIER.read_text())


@pytest.fixture
def bestnet(db, bestnet_data):
    """The BestNet registration (333-105026) imported from the example dossier."""
    return import_dossier(actor=TEST_ACTOR, data=bestnet_data).registration


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
