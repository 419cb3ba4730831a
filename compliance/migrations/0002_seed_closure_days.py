"""Seed the federal closures by executive order that closed the SEC (national days of mourning)."""

import datetime

from django.db import migrations

CLOSURES = [
    (datetime.date(2004, 6, 11), "National day of mourning for President Ronald Reagan (executive order)"),
    (datetime.date(2007, 1, 2), "National day of mourning for President Gerald R. Ford (executive order)"),
    (datetime.date(2018, 12, 5), "National day of mourning for President George H. W. Bush (executive order)"),
    (datetime.date(2025, 1, 9), "National day of mourning for President Jimmy Carter (executive order)"),
]


def seed(apps, schema_editor):
    ClosureDay = apps.get_model("compliance", "ClosureDay")
    for closed_on, reason in CLOSURES:
        ClosureDay.objects.get_or_create(closed_on=closed_on, defaults={"reason": reason})


def unseed(apps, schema_editor):
    ClosureDay = apps.get_model("compliance", "ClosureDay")
    ClosureDay.objects.filter(closed_on__in=[day for day, _ in CLOSURES]).delete()


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
