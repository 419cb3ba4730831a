"""Layout roles for the supplement templates: a class for the print stylesheet, inline CSS for EDGAR.

EDGAR accepts style only inline, so the same body template names a role with ``{% role "name" %}`` and
the EDGAR rendition gets the role's declarations as a ``style`` attribute. The output is one of the
constant strings below, never record data.
"""

from django import template
from django.utils.html import format_html

register = template.Library()

_CELL = "vertical-align:top;padding:1pt 4pt"
EDGAR_STYLES: dict[str, str] = {
    "cover-head": "width:100%;border-collapse:collapse;font-size:10pt",
    "cover-left": "text-align:left;vertical-align:top;padding:0",
    "cover-right": "text-align:right;vertical-align:top;padding:0",
    "issuer": "text-align:center;font-weight:bold;font-size:14pt;margin:24pt 0 12pt 0",
    "offered": "text-align:center;font-weight:bold;margin:0 0 2pt 0",
    "para": "text-indent:36pt;text-align:justify;margin:0 0 10pt 0",
    "heading": "text-align:center;font-weight:bold;margin:14pt 0 8pt 0",
    "subheading": "text-align:left;font-weight:bold;margin:10pt 0 6pt 0",
    "note": "text-align:left;font-style:italic;margin:0 0 8pt 0",
    "legend": "text-indent:36pt;text-align:justify;font-weight:bold;margin:0 0 10pt 0",
    "dateline": "text-align:center;margin:18pt 0 0 0;page-break-after:always",
    "grid": "width:100%;border-collapse:collapse;font-size:9pt;margin:0 0 10pt 0",
    "grid-wide": "width:100%;border-collapse:collapse;font-size:8pt;margin:0 0 10pt 0",
    "report-table": "width:100%;border-collapse:collapse;font-size:8pt;margin:0 0 10pt 0",
    "th-name": "text-align:left;vertical-align:bottom;border-bottom:1px solid #000000;padding:1pt 4pt",
    "th-num": "text-align:right;vertical-align:bottom;border-bottom:1px solid #000000;padding:1pt 4pt",
    "td-name": f"text-align:left;{_CELL}",
    "td-num": f"text-align:right;{_CELL}",
    "td-text": f"text-align:left;{_CELL}",
    "total-name": "text-align:left;font-weight:bold;border-top:1px solid #000000;padding:1pt 4pt",
    "total-num": "text-align:right;font-weight:bold;border-top:1px solid #000000;padding:1pt 4pt",
    "footnote": "font-size:9pt;margin:0 0 6pt 0",
    "relationship": "margin:0 0 4pt 36pt",
    "pre": "font-family:'Courier New',Courier,monospace;font-size:8pt;margin:0 0 10pt 0",
}


@register.simple_tag(takes_context=True)
def role(context, name: str):
    if name not in EDGAR_STYLES:
        raise template.TemplateSyntaxError(f"Unknown layout role {name!r}.")
    if context.get("edgar"):
        return format_html(' style="{}"', EDGAR_STYLES[name])
    return format_html(' class="{}"', name)
