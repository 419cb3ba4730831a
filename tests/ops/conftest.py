"""Fixtures of the operations tests: a published package with its files, and its investors' personal links."""

import pytest

from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration


@pytest.fixture
def published(db):
    """A published package version of a registration with three investors."""
    return publish_package(actor=TEST_ACTOR, registration=make_registration(investors=3))


@pytest.fixture
def personal_token(published) -> str:
    """The token of one investor's personal link to ``published``."""
    return next(link.token for link in create_deliveries(actor=TEST_ACTOR, package_version=published) if link.token)
