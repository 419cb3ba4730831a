"""The files of deploy/ stay complete: the sample environment names every setting the portal reads, and the
gunicorn settings follow the environment."""

import re
import subprocess
import sys

from tests.conftest import ROOT

SETTINGS = sorted((ROOT / "portal" / "settings").glob("*.py"))
ENV_EXAMPLE = ROOT / "deploy" / "portal.env.example"


def _named_in_example() -> set[str]:
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))


def test_the_sample_environment_lists_every_setting_the_portal_reads():
    read = set()
    for path in SETTINGS:
        read |= set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", path.read_text()))
    assert read, "no env(...) calls found in portal/settings/"
    assert sorted(read - _named_in_example()) == []


def test_the_sample_environment_lists_every_gunicorn_setting():
    read = set(re.findall(r"env(?:\.\w+)?\(\"([A-Z][A-Z0-9_]+)\"", (ROOT / "deploy" / "gunicorn.conf.py").read_text()))
    assert read and sorted(read - _named_in_example()) == []


def _gunicorn_settings(env: dict) -> dict:
    code = (
        "import json, sys; from gunicorn.config import Config; from gunicorn.app.base import Application\n"
        "class A(Application):\n"
        "    def init(self, *a): pass\n"
        "    def load(self): pass\n"
        "sys.argv = ['gunicorn', '-c', 'deploy/gunicorn.conf.py']\n"
        "a = A(); c = a.cfg\n"
        "print(json.dumps({k: str(c.settings[k].get()) for k in ('workers', 'worker_class', 'threads', "
        "'max_requests', 'max_requests_jitter', 'timeout', 'graceful_timeout', 'accesslog')}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return __import__("json").loads(out.stdout.strip().splitlines()[-1])


def test_gunicorn_workers_are_twice_the_cores_plus_one_capped_by_the_environment(monkeypatch):
    import os

    cores = len(os.sched_getaffinity(0))
    base = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_GUNICORN_")}
    assert _gunicorn_settings({**base, "PORTAL_GUNICORN_MAX_WORKERS": "64"})["workers"] == str(2 * cores + 1)
    capped = _gunicorn_settings({**base, "PORTAL_GUNICORN_MAX_WORKERS": "1"})
    assert capped["workers"] == "1" and capped["worker_class"] == "sync" and capped["accesslog"] == "-"
    assert capped["max_requests"] == "1000" and capped["max_requests_jitter"] == "100"
    threaded = _gunicorn_settings({**base, "PORTAL_GUNICORN_WORKER_CLASS": "gthread", "PORTAL_GUNICORN_THREADS": "4"})
    assert threaded["worker_class"] == "gthread" and threaded["threads"] == "4"
