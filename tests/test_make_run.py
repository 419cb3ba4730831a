"""`make run` never reverts what staff changed: the demo goes only into an empty database, the admin user is
created once, and its password is never reset."""

import io
import os
import re
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from offerings.models import RegistrationStatement
from offerings.services.records import save_record
from tests import factories
from tests.actors import TEST_ACTOR
from tests.conftest import ROOT

STRONG = "Ledger-Quartz-7194"


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def demo_setup() -> str:
    """What `make demo` runs after migrating (the test database is migrated already)."""
    return run("load_demo") + run("ensure_admin")


@pytest.mark.django_db
def test_running_the_demo_setup_twice_keeps_an_admin_edit_and_the_admin_password(monkeypatch):
    monkeypatch.setenv("PORTAL_ADMIN_PASSWORD", STRONG)
    first = demo_setup()
    assert "Loaded the demo" in first and "Created staff user 'admin'" in first
    assert STRONG not in first  # a password the environment gave is not echoed
    registration = RegistrationStatement.objects.get(file_number="333-105026")
    registration.stated_proceeds_if_exercised = "1781797.00"
    save_record(actor=TEST_ACTOR, record=registration)
    admin = User.objects.get(username="admin")
    admin.set_password("Changed-By-Staff-5521")
    admin.first_name = "Dana"
    admin.save()
    second = demo_setup()
    assert "not imported" in second and "left as they are" in second
    assert "PORTAL_ADMIN_PASSWORD is used only when the user is created" in second
    assert str(RegistrationStatement.objects.get(pk=registration.pk).stated_proceeds_if_exercised) == "1781797.00"
    assert RegistrationStatement.objects.count() == 1
    admin = User.objects.get(username="admin")
    assert admin.check_password("Changed-By-Staff-5521") and not admin.check_password(STRONG)
    assert admin.first_name == "Dana"


@pytest.mark.django_db
def test_the_demo_is_not_imported_into_a_database_that_holds_a_registration():
    factories.RegistrationStatementFactory(file_number="333-999999")
    assert "1 registration(s) already" in run("load_demo")
    assert not RegistrationStatement.objects.filter(file_number="333-105026").exists()


@pytest.mark.django_db
def test_without_a_password_the_admin_gets_a_random_one_printed_once(monkeypatch):
    monkeypatch.delenv("PORTAL_ADMIN_PASSWORD", raising=False)
    output = run("ensure_admin")
    password = re.search(r"with password (\S+)", output).group(1)
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.check_password(password)
    assert password not in run("ensure_admin")
    assert User.objects.get(username="admin").check_password(password)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("weak", "reason"),
    [
        ("password", "too common"),
        ("58203941", "entirely numeric"),
        ("Ab1!", "too short"),
        ("admin1234", "similar to the username"),
    ],
)
def test_a_weak_admin_password_is_refused_with_the_validators_reason(monkeypatch, weak, reason):
    monkeypatch.setenv("PORTAL_ADMIN_PASSWORD", weak)
    with pytest.raises(CommandError) as caught:
        run("ensure_admin")
    assert "PORTAL_ADMIN_PASSWORD is too weak" in str(caught.value) and reason in str(caught.value)
    assert not User.objects.filter(username="admin").exists()


def _demo_recipe() -> list[list[str]]:
    """The commands of the Makefile's `demo` target, with $(PY) this interpreter."""
    lines = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    return [line.strip().replace("$(PY)", sys.executable).split() for line in lines if line.startswith("\t")]


@pytest.mark.slow
def test_make_demo_twice_on_sqlite_keeps_an_admin_edit_and_the_password(tmp_path):
    recipe = _demo_recipe()
    assert [c[2] for c in recipe] == ["migrate", "load_demo", "ensure_admin"]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PORTAL_"))},
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "PORTAL_ADMIN_PASSWORD": STRONG,
    }

    def make_demo() -> str:
        return "".join(
            subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
            for command in recipe
        )

    def shell(code: str) -> str:
        command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", code]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout

    assert "Loaded the demo" in make_demo()
    shell(
        "from offerings.models import Investor, RegistrationStatement as R\n"
        "from django.contrib.auth.models import User\n"
        "Investor.objects.create(registration_statement=R.objects.get(), name='Added by staff', email='a@x.com')\n"
        "u = User.objects.get(username='admin'); u.set_password('Changed-By-Staff-5521'); u.save()"
    )
    again = make_demo()
    assert "not imported" in again and "left as they are" in again
    checked = shell(
        "from offerings.models import Investor\n"
        "from django.contrib.auth.models import User\n"
        "u = User.objects.get(username='admin')\n"
        "print(list(Investor.objects.values_list('name', flat=True)), u.check_password('Changed-By-Staff-5521'))"
    )
    assert checked.strip() == "['Added by staff'] True"
