"""Issue 14's rendering targets as properties: a render collects garbage less often and gives the collector back
as it was, and a holder table over ``PORTAL_PDF_ISOLATE_ROWS`` renders at approval (in the web request) in a
child under ``PORTAL_CONVERT_MEMORY_MB``, leaving the worker's memory where it was. The figures (500 holders
against plain WeasyPrint, 10,000 holders approved) come from ``benchmarks/render_supplements.py``."""

import gc

import pytest

from benchmarks import render_supplements
from documents import pdf as weasy
from documents import rendering, selectors
from offerings.models import Supplement
from offerings.services.supplements import approve, submit_supplement_for_review
from tests.actors import TEST_ACTOR

HOLDERS = 600  # over the lowered isolation limit below; a few seconds to render


@pytest.fixture
def holders_update(db) -> Supplement:
    """A draft selling-stockholder update of a registration with ``HOLDERS`` selling stockholders."""
    return render_supplements.holders_update(HOLDERS)


def test_a_render_raises_the_collector_threshold_and_restores_it_even_when_the_render_fails(monkeypatch):
    seen = []

    class Failing:
        def render(self, html, *, identifier):
            seen.append(gc.get_threshold())
            raise ValueError("layout failed")

    monkeypatch.setattr(weasy, "_renderer", lambda roots: Failing())
    before = gc.get_threshold()
    with pytest.raises(ValueError):
        weasy.render_pdf("<p>x</p>", identifier=b"0" * 32, roots=("static",))
    assert seen == [(max(before[0], weasy.RENDER_GC_THRESHOLD), *before[1:])]
    assert gc.get_threshold() == before


def test_fewer_collections_change_no_byte_of_the_pdf(holders_update, monkeypatch):
    faster = rendering.render(supplement=holders_update, format="pdf")
    monkeypatch.setattr(weasy, "RENDER_GC_THRESHOLD", 0)  # the interpreter's own thresholds
    assert rendering.render(supplement=holders_update, format="pdf") == faster


def test_approving_a_large_holder_table_renders_in_a_child_and_the_worker_keeps_no_layout_memory(
    holders_update, monkeypatch
):
    monkeypatch.setattr(rendering, "ISOLATE_ROWS", 100)
    isolated = []
    original = weasy.render_pdf_isolated

    def spy(html, **kwargs):
        isolated.append(len(html))
        return original(html, **kwargs)

    monkeypatch.setattr(weasy, "render_pdf_isolated", spy)
    monkeypatch.setattr(weasy, "render_pdf", None)  # nothing lays the PDF out in this process
    supplement = submit_supplement_for_review(actor=TEST_ACTOR, supplement=holders_update)
    gc.collect()
    before = render_supplements._rss_mb()
    approve(actor=TEST_ACTOR, supplement=supplement, override_reason="A large holder table.")
    kept = render_supplements._rss_mb() - before
    assert len(isolated) == 1
    assert selectors.frozen_rendition(supplement=supplement, format="pdf").size > 50_000
    assert kept < 25, f"the worker kept {kept:.0f} MB after the render"  # in-process: ~80 MB


def test_the_pdf_child_runs_under_the_memory_limit(holders_update, monkeypatch, settings):
    settings.PORTAL_CONVERT_MEMORY_MB = 150  # far less than WeasyPrint needs to start
    monkeypatch.setattr(rendering, "ISOLATE_ROWS", 100)
    with pytest.raises(rendering.RenderError, match="PORTAL_CONVERT_MEMORY_MB"):
        rendering.render(supplement=holders_update, format="pdf")
