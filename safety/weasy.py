"""The one URL fetcher for every WeasyPrint render in the portal, and a helper that renders with it.

Rule: WeasyPrint loads nothing from outside. Every URL goes through ``StaticOnlyURLFetcher``, which serves
files under the given static roots for URLs below ``STATIC_BASE`` (a base URL that cannot resolve, so only this
fetcher can answer for it) and refuses every other URL (``file://``, ``http(s)://``, ``data:``, ``ftp:``, any
other) without opening a connection or a file. A refusal is not an error of the document: WeasyPrint logs it
and renders the document without that resource (``fail_on_errors`` is off).

``import weasyprint`` costs about 0.4 s, so nothing here imports it until a fetcher or a render is asked for.
"""

import functools
import logging
import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The documents' base URL: ".invalid" never resolves (RFC 2606), so only this fetcher can answer for it.
STATIC_BASE = "https://portal-static.invalid/static/"


class URLRefusedError(ValueError):
    """A document asked for a resource outside the portal's static files."""


@functools.cache
def weasyprint():
    """The ``weasyprint`` module, imported on first use (see the module docstring)."""
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    import weasyprint as module  # deliberately lazy

    return module


@functools.cache
def fetcher_class():
    """``weasyprint.URLFetcher`` subclass, built on first use so that importing this module stays cheap."""
    module = weasyprint()
    from weasyprint.urls import URLFetcherResponse

    class StaticOnlyURLFetcher(module.URLFetcher):
        """Serves files under ``roots`` for URLs below ``STATIC_BASE``; refuses every other URL.

        No root (the default) serves nothing: every URL is refused. ``refused`` lists the URLs refused.
        """

        def __init__(self, roots: Iterable[str | Path] = (), **kwargs):
            kwargs.setdefault("fail_on_errors", False)
            super().__init__(allowed_protocols=["https"], allow_redirects=False, timeout=1, **kwargs)
            self.roots = [Path(root).resolve() for root in roots]
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_BASE):
                return self._refuse(url, "a document may load only the portal's static files")
            relative = unquote(urlsplit(url).path[len(urlsplit(STATIC_BASE).path) :])
            for root in self.roots:
                candidate = (root / relative).resolve()
                if candidate.is_relative_to(root) and candidate.is_file():
                    content_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, candidate.read_bytes(), {"Content-Type": content_type})
            return self._refuse(url, "no such static file")

        def _refuse(self, url: str, reason: str):
            self.refused.append(url)
            raise URLRefusedError(f"Refused {url[:200]!r}: {reason}.")

        def open(self, url, data=None, timeout=None):
            """Never urllib's opener: every request, however WeasyPrint makes it, goes through ``fetch``."""
            return self.fetch(getattr(url, "full_url", url))

    return StaticOnlyURLFetcher


def fetcher(static_roots: Iterable[str | Path] = ()):
    """A new ``StaticOnlyURLFetcher`` serving ``static_roots`` (none: it refuses every URL)."""
    return fetcher_class()(static_roots)


def html_to_pdf(html: str, *, static_roots: Iterable[str | Path] = (), base_url: str = STATIC_BASE, **options) -> bytes:
    """``html`` rendered to PDF by WeasyPrint through ``StaticOnlyURLFetcher``; ``options`` go to
    ``write_pdf``. A refused URL leaves its resource out of the document (WeasyPrint logs it); it never fails."""
    module = weasyprint()
    document = module.HTML(string=html, base_url=base_url, url_fetcher=fetcher(static_roots))
    return document.write_pdf(**options)
