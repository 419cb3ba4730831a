"""Fixtures for the audit trail tests: a staff user, and the entries written since a point in the chain."""

import pytest
from django.db import connection

from audit.models import LogEntry


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_superuser("counsel", "counsel@example.com", "pw-for-tests-only")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


class Since:
    """The entries written after the mark (``since.entries()``), oldest first."""

    def __init__(self):
        self.mark = LogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def entries(self, **filters) -> list[LogEntry]:
        return list(LogEntry.objects.filter(id__gt=self.mark, **filters).select_related("content_type").order_by("id"))


@pytest.fixture
def since(db):
    return Since


@pytest.fixture
def postgresql():
    """Skip unless the suite runs on PostgreSQL (the append-only triggers exist only there)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no append-only triggers")
