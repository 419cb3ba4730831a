"""Every date the admin shows tells staff its format: a DateField's help text starts "YYYY-MM-DD; "."""

import pytest
from django.apps import apps
from django.db import models

DATE_FIELDS = [
    pytest.param(field, id=f"{model._meta.label}.{field.name}")
    for label in ("offerings", "delivery", "compliance")
    for model in apps.get_app_config(label).get_models()
    for field in model._meta.get_fields()
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField) and field.model is model
]


def test_the_apps_have_date_fields():
    assert len(DATE_FIELDS) > 20


@pytest.mark.parametrize("field", DATE_FIELDS)
def test_every_date_field_states_its_format_and_meaning(field):
    assert str(field.help_text).startswith("YYYY-MM-DD; ")
    assert len(str(field.help_text)) > len("YYYY-MM-DD; ") + 10  # and says what the date is
