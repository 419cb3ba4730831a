"""The PDF rendition through WeasyPrint: the only module that imports WeasyPrint, and only when it renders.

``import weasyprint`` costs about 0.4 s, so nothing imports it at start-up. Once imported, the parsed print
stylesheet and the font configuration are kept for the life of the process, so a second render pays only
for layout ("warm"). Large documents (long holder tables) render in a child process
(``python -m documents.pdf``) that exits afterwards, so a worker never keeps a big layout's memory.

Safety: WeasyPrint fetches every URL through ``StaticOnlyURLFetcher``, which serves the portal's own static
files under a base URL that cannot resolve and refuses everything else (``file://``, ``http(s)://``,
``data:``). Record text reaches the HTML autoescaped, so it never becomes a tag in the first place; the
fetcher is the second wall.
"""

import functools
import logging
import mimetypes
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The document's base URL: ".invalid" never resolves, so only this fetcher can answer for it.
STATIC_BASE = "https://portal-static.invalid/static/"
STYLESHEET = "supplements/print.css"
PDF_VARIANT = "pdf/ua-1"

_lock = threading.Lock()


class URLRefusedError(ValueError):
    """A supplement asked for a resource outside the portal's static files."""


@functools.cache
def _weasyprint():
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    import weasyprint  # deliberately lazy: see the module docstring

    return weasyprint


@functools.cache
def fetcher_class():
    """``weasyprint.URLFetcher`` subclass, built on first use so that importing this module stays cheap."""
    weasyprint = _weasyprint()
    from weasyprint.urls import URLFetcherResponse

    class StaticOnlyURLFetcher(weasyprint.URLFetcher):
        """Serves files under ``roots`` for URLs below ``STATIC_BASE``; refuses every other URL."""

        def __init__(self, roots: list[Path], **kwargs):
            super().__init__(allowed_protocols=["https"], allow_redirects=False, **kwargs)
            self.roots = [Path(root).resolve() for root in roots]
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_BASE):
                self.refused.append(url)
                raise URLRefusedError(f"Refused {url[:200]!r}: a supplement may load only the portal's static files.")
            relative = unquote(urlsplit(url).path[len(urlsplit(STATIC_BASE).path) :])
            for root in self.roots:
                candidate = (root / relative).resolve()
                if candidate.is_relative_to(root) and candidate.is_file():
                    content_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, candidate.read_bytes(), {"Content-Type": content_type})
            self.refused.append(url)
            raise URLRefusedError(f"Refused {url[:200]!r}: no such static file.")

    return StaticOnlyURLFetcher


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


def render_pdf(html: str, *, identifier: bytes, roots: tuple[str, ...] | None = None) -> bytes:
    """Render in this process, reusing the stylesheet and fonts of earlier renders."""
    renderer = _renderer(roots or static_roots())
    with _lock:
        return renderer.render(html, identifier=identifier)


def render_pdf_isolated(html: str, *, identifier: bytes, timeout: float = 1800) -> bytes:
    """Render in a child process that exits afterwards, returning its memory to the system."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", "documents.pdf", identifier.hex(), *static_roots()],
        input=html.encode("utf-8"),
        capture_output=True,
        timeout=timeout,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if completed.returncode != 0:
        raise RuntimeError("The PDF worker failed: " + completed.stderr.decode("utf-8", "replace").strip()[-2000:])
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
    identifier = bytes.fromhex(argv[0])
    roots = tuple(argv[1:])
    html = sys.stdin.buffer.read().decode("utf-8")
    sys.stdout.buffer.write(render_pdf(html, identifier=identifier, roots=roots))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
