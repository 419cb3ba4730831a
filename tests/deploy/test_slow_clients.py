"""Slow clients hold no gunicorn worker (issue 14). On the prod-local stack (nginx with deploy/nginx/portal.conf, two
gunicorn instances of one sync worker each: 2 workers in all), many more slow clients than workers wait in nginx
while an investor's personal page keeps answering through nginx at once; without nginx one slow client holds a
sync worker. The slow clients and the probes are benchmarks/slow_clients.py's, which prints the figures."""

import re
import socket
import ssl
import time
from urllib.parse import urlsplit

import pytest

from benchmarks import slow_clients as slow
from tests.deploy import test_prod_local

pytestmark = [pytest.mark.prod_local, pytest.mark.slow]
stack = test_prod_local.stack  # its module-scoped fixture: this module starts a stack of its own

DOCUMENT_BYTES = 8 * 1024 * 1024  # the prospectus PDF the slow readers download (the portal's limit is 20 MB)
PROMPT_SECONDS = 2.0  # every page request through nginx, on a loaded 2-core machine (about 10 ms when idle)
HELD_SECONDS = 3.0  # without nginx, the page is not answered within this while one slow client holds the worker
WORKERS = 2


def _logs(stack) -> str:
    logs = stack["dir"] / "logs"
    return "".join((logs / f"gunicorn-{port}.log").read_text() for port in stack["ports"])


@pytest.fixture(scope="module")
def published(stack, tmp_path_factory):
    return slow.publish_large(stack["manage"], tmp_path_factory.mktemp("slow-clients"), DOCUMENT_BYTES)


@pytest.fixture(scope="module")
def nginx(stack):
    tls = ssl.create_default_context(cafile=str(stack["dir"] / "tls" / "cert.pem"))
    return slow.Target(urlsplit(stack["base"]).port, tls=tls)


def _assert_prompt(results: list) -> None:
    assert len(results) >= 5
    assert [status for status, _ in results] == [200] * len(results)
    assert max(seconds for _, seconds in results) < PROMPT_SECONDS, results


def test_slow_senders_wait_in_nginx_and_the_personal_page_answers_promptly_through_it(stack, published, nginx):
    senders = [
        slow.SlowSender(nginx, source, published["page"] + "?slow=sender", body=bool(n % 2))
        for n, source in zip(range(6 * WORKERS), slow.addresses(2), strict=False)
    ]
    with slow.running(senders):
        time.sleep(1.5)
        results = slow.probes(nginx, published["page"], slow.addresses(1), seconds=5, every=0.5)
        still_sending = [s for s in senders if s.error is None and not s.closed and s.sent >= 3]
    _assert_prompt(results)
    # Every slow request (half of them GET headers, half a POST body, a byte a second) was still being sent,
    # unanswered, and none reached gunicorn.
    assert len(still_sending) == len(senders) == 12
    assert "slow=sender" not in _logs(stack)


def test_slow_readers_of_a_download_hold_no_worker_since_nginx_sends_the_file(stack, published, nginx):
    readers = [
        slow.SlowReader(nginx, source, published["download"])
        for _, source in zip(range(4 * WORKERS), slow.addresses(3), strict=False)
    ]
    with slow.running(readers):
        slow.wait_answered(readers, seconds=15)
        assert [(r.status, r.length) for r in readers] == [(200, published["size"])] * len(readers)
        results = slow.probes(nginx, published["page"], slow.addresses(1), seconds=5, every=0.5)
        # gunicorn answered every download with X-Accel-Redirect and an empty body (its access line is written when
        # the worker is done) while each reader still has almost all of the 8 MB to read.
        logs = _logs(stack)
        reading = [r for r in readers if r.reading and r.received < published["size"] // 4]
    _assert_prompt(results)
    document = published["download"].rstrip("/").rsplit("/", 1)[1]
    answered = re.findall(
        rf'"GET /d/<token>/documents/{document}/ HTTP/1\.0" 200 0 \d+ms .* accel=/_protected/packages/', logs
    )
    assert len(answered) == len(readers) == 8
    assert len(reading) == len(readers)


def test_without_nginx_one_slow_client_holds_a_sync_worker(stack, published):
    """The contrast: the same clients straight at gunicorn (one sync worker, FileResponse) keep the page waiting."""
    with socket.socket() as probe_port:
        probe_port.bind(("127.0.0.1", 0))
        port = probe_port.getsockname()[1]
    sources = slow.addresses(4)
    with slow.direct_gunicorn(stack["dir"], port, workers=1) as gunicorn:
        assert slow.probe(gunicorn, published["page"], next(sources))[0] == 200
        with slow.running([slow.SlowReader(gunicorn, next(sources), published["download"])]) as (reader,):
            slow.wait_answered([reader], seconds=10)
            assert (reader.status, reader.length) == (200, published["size"])  # the worker itself sends the file
            assert slow.probe(gunicorn, published["page"], next(sources), timeout=HELD_SECONDS)[0] is None
        assert slow.probe(gunicorn, published["page"], next(sources))[0] == 200  # free again once it goes
        with slow.running([slow.SlowSender(gunicorn, next(sources), published["page"], body=False)]):
            time.sleep(1)
            assert slow.probe(gunicorn, published["page"], next(sources), timeout=HELD_SECONDS)[0] is None
        assert slow.probe(gunicorn, published["page"], next(sources))[0] == 200
