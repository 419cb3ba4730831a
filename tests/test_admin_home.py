"""The admin home: branded Prospectus Portal, "View site" opens the compliance dashboard, and what needs
attention today (open findings, supplements awaiting review, filings due, packages out of date), each item
linking to its record and shown only to users who may see that record."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from delivery.models import PackageVersion
from offerings.models import SupplementStatus
from tests.factories import ProspectusFactory, SupplementFactory

D = datetime.date


@pytest.fixture
def records(db):
    """A registration with a supplement in review, one approved but not filed, and a package version that
    lacks its prospectus (so it is out of date)."""
    prospectus = ProspectusFactory(dated_on=D(2020, 5, 1))
    in_review = SupplementFactory(prospectus=prospectus, number=1, status=SupplementStatus.REVIEW)
    approved = SupplementFactory(
        prospectus=prospectus, number=2, dated_on=D(2020, 9, 1), status=SupplementStatus.APPROVED
    )
    PackageVersion.objects.create(
        registration_statement=prospectus.registration_statement,
        number=1,
        prospectus=prospectus,
        published_at=timezone.now(),
    )
    return {"prospectus": prospectus, "in_review": in_review, "approved": approved}


@pytest.fixture
def admin_client_(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "s3cret-pass-1")
    client.force_login(user)
    return client


def _staff_with(django_user_model, *codenames: str):
    user = django_user_model.objects.create_user("clerk", password="s3cret-pass-1", is_staff=True)
    for codename in codenames:
        app_label, name = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=name))
    return user


def _change(model: str, pk: int) -> str:
    return reverse(f"admin:{model}_change", args=[pk])


def test_header_and_title_say_prospectus_portal(admin_client_):
    html = admin_client_.get(reverse("admin:index")).content.decode()
    assert '<div id="site-name"><a href="/admin/">Prospectus Portal</a></div>' in html
    assert "<title>Prospectus Portal | Prospectus Portal</title>" in html
    assert "Django administration" not in html


def test_portal_pages_outside_the_admin_site_are_branded_too(admin_client_):
    html = admin_client_.get(reverse("compliance:dashboard")).content.decode()
    assert "Prospectus Portal" in html and "Django administration" not in html


def test_view_site_opens_the_compliance_dashboard(admin_client_):
    response = admin_client_.get(reverse("admin:index"))
    assert response.context["site_url"] == reverse("compliance:dashboard")
    assert admin_client_.get(response.context["site_url"]).status_code == 200


def test_home_lists_each_kind_of_item_with_a_link_to_its_record(admin_client_, records):
    response = admin_client_.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    groups = {group.key: group for group in response.context["attention"]}
    assert set(groups) == {"findings", "drafts", "filings", "packages"}
    assert f'href="{_change("offerings_supplement", records["in_review"].pk)}"' in html
    assert [item.label for item in groups["filings"].items] == [str(records["approved"])]
    assert "not yet used" in groups["filings"].items[0].detail
    assert groups["packages"].count == 1
    assert "Prospectus dated May 1, 2020" in groups["packages"].items[0].detail
    assert groups["findings"].count >= 1
    assert all(item.url for item in groups["findings"].items)
    assert all("#" not in item.label for item in groups["findings"].items)
    for key in groups:
        assert f'id="attention-{key}"' in html


def test_home_counts_each_kind(admin_client_, records):
    groups = {g.key: g for g in admin_client_.get(reverse("admin:index")).context["attention"]}
    assert groups["drafts"].count == 1
    assert groups["filings"].count == 1


def test_a_user_without_the_permission_does_not_see_the_items(client, django_user_model, records):
    client.force_login(_staff_with(django_user_model, "offerings.view_supplement"))
    response = client.get(reverse("admin:index"))
    html = response.content.decode()
    assert [group.key for group in response.context["attention"]] == ["drafts", "filings"]
    assert 'id="attention-findings"' not in html and 'id="attention-packages"' not in html


def test_a_staff_user_with_no_permissions_sees_no_attention_list(client, django_user_model, records):
    client.force_login(_staff_with(django_user_model))
    response = client.get(reverse("admin:index"))
    assert response.context["attention"] == []
    assert 'id="attention-today"' not in response.content.decode()
    assert str(records["in_review"]) not in response.content.decode()
