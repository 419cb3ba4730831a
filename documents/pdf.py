"""The PDF rendition through WeasyPrint, imported (by ``safety.weasy``) only when it renders.

``import weasyprint`` costs about 0.4 s, so nothing imports it at start-up. Once imported, the parsed print
stylesheet and the font configuration are kept for the life of the process, so a second render pays only
for layout ("warm"). Large documents (long holder tables) render in a child process
(``python -m documents.pdf``) that exits afterwards, so a worker never keeps a big layout's memory.

Safety: WeasyPrint fetches every URL through ``safety.weasy.StaticOnlyURLFetcher`` (re-exported here as
``fetcher_class``, with ``STATIC_BASE`` and ``URLRefusedError``), the one fetcher of every WeasyPrint render in
the portal: it serves the portal's own static files under a base URL that cannot resolve and refuses everything
else (``file://``, ``http(s)://``, ``data:``). Record text reaches the HTML autoescaped, so it never becomes a
tag in the first place; the fetcher is the second wall.
"""

import contextlib
import functools
import gc
import subprocess
import sys
import threading
from pathlib import Path

from safety.limits import limit_self
from safety.weasy import STATIC_BASE, URLRefusedError, fetcher_class
from safety.weasy import weasyprint as _weasyprint

__all__ = [
    "STATIC_BASE",
    "URLRefusedError",
    "append_pages",
    "fetcher_class",
    "render_pdf",
    "render_pdf_isolated",
    "static_roots",
]

STYLESHEET = "supplements/print.css"
PDF_VARIANT = "pdf/ua-1"

_lock = threading.Lock()


class _Renderer:
    """Keeps the parsed stylesheet and the font configuration between renders of one process."""

    def __init__(self, roots: list[Path]):
        weasyprint = _weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        self.fetcher = fetcher_class()(roots)
        self.font_config = FontConfiguration()
        self.stylesheet = weasyprint.CSS(
            url=STATIC_BASE + STYLESHEET, url_fetcher=self.fetcher, font_config=self.font_config
        )

    def render(self, html: str, *, identifier: bytes) -> bytes:
        weasyprint = _weasyprint()
        document = weasyprint.HTML(string=html, base_url=STATIC_BASE, url_fetcher=self.fetcher)
        return document.write_pdf(
            stylesheets=[self.stylesheet],
            font_config=self.font_config,
            pdf_variant=PDF_VARIANT,
            pdf_identifier=identifier,
        )


@functools.cache
def _renderer(roots: tuple[str, ...]) -> _Renderer:
    return _Renderer([Path(root) for root in roots])


def static_roots() -> tuple[str, ...]:
    from django.conf import settings

    return tuple(str(Path(root)) for root in settings.STATICFILES_DIRS)


# New objects between two passes of the garbage collector while WeasyPrint lays out (Python's default is 700).
RENDER_GC_THRESHOLD = 3_000


@contextlib.contextmanager
def _fewer_collections():
    """While a render runs, the cyclic garbage collector starts a pass after ``RENDER_GC_THRESHOLD`` new objects
    instead of 700; the earlier thresholds come back afterwards (issue 14).

    A layout allocates millions of short-lived objects, and every pass that reaches the oldest generation walks
    all objects of the process: the whole of Django and the ORM rows of the context. With the default that was
    about a quarter of a warm 500-holder render (0.44 s of 1.7 s), against about 0.16 s with this threshold. Reference
    counting still frees almost everything at once; the worker's peak and retained memory stayed the same in
    ``benchmarks/render_supplements.py`` (10,000 raised them by some 50 MB, so it is not higher).
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], RENDER_GC_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def render_pdf(html: str, *, identifier: bytes, roots: tuple[str, ...] | None = None) -> bytes:
    """Render in this process, reusing the stylesheet and fonts of earlier renders, with fewer garbage
    collector passes (``_fewer_collections``)."""
    renderer = _renderer(roots or static_roots())
    with _lock, _fewer_collections():
        return renderer.render(html, identifier=identifier)


# The child's exit status when it ran out of memory under its limit.
OUT_OF_MEMORY = 3


def child_limits() -> tuple[int, int]:
    """The child's limits (issue 12), the settings of every conversion child: ``PORTAL_CONVERT_MEMORY_MB`` of
    address space and ``PORTAL_CONVERT_TIMEOUT_SECONDS`` of running time."""
    from django.conf import settings

    return int(settings.PORTAL_CONVERT_MEMORY_MB), int(settings.PORTAL_CONVERT_TIMEOUT_SECONDS)


def render_pdf_isolated(html: str, *, identifier: bytes, timeout: float | None = None) -> bytes:
    """Render in a child process that exits afterwards, returning its memory to the system.

    The child limits its own address space (``RLIMIT_AS``) and CPU time, and is killed after the time limit
    (``timeout``, default ``PORTAL_CONVERT_TIMEOUT_SECONDS``); either stop is a ``RuntimeError`` saying which.
    """
    megabytes, seconds = child_limits()
    seconds = int(timeout) if timeout is not None else seconds
    try:
        completed = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", "documents.pdf", str(megabytes), str(seconds), identifier.hex(), *static_roots()],
            input=html.encode("utf-8"),
            capture_output=True,
            timeout=seconds,
            check=False,
            cwd=Path(__file__).resolve().parent.parent,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"The PDF worker stopped after {seconds} s (PORTAL_CONVERT_TIMEOUT_SECONDS).") from None
    if completed.returncode != 0:
        error = completed.stderr.decode("utf-8", "replace").strip()
        if completed.returncode == OUT_OF_MEMORY or "MemoryError" in error or completed.returncode < 0:
            raise RuntimeError(
                f"The PDF worker stopped: it needed more than {megabytes} MB of memory (PORTAL_CONVERT_MEMORY_MB)"
                + (f", or was stopped by signal {-completed.returncode}" if completed.returncode < 0 else "")
                + "."
            )
        raise RuntimeError("The PDF worker failed: " + error[-2000:])
    return completed.stdout


def append_pages(document: bytes, attachments: list[bytes]) -> bytes:
    """The document followed by every page of each attached PDF: pages only (no outline, names, scripts or
    embedded files of the attachment), without annotations or page actions, so nothing in them links or runs.
    The document's own catalog (tags, metadata, identifier) is kept; the same inputs give the same bytes."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    for data in attachments:
        for page in PdfReader(io.BytesIO(data)).pages:
            added = writer.add_page(page)
            for key in ("/Annots", "/AA", "/StructParents"):
                if NameObject(key) in added:
                    del added[NameObject(key)]
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _main(argv: list[str]) -> int:
    limit_self(int(argv[0]), int(argv[1]))
    identifier = bytes.fromhex(argv[2])
    roots = tuple(argv[3:])
    try:
        html = sys.stdin.buffer.read().decode("utf-8")
        data = render_pdf(html, identifier=identifier, roots=roots)
    except MemoryError:
        return OUT_OF_MEMORY
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
