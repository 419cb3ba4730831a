"""Plain-Python safety helpers every app may use: the bottom import layer (no Django, no portal app).

``weasy``: the one URL fetcher for every WeasyPrint render; ``pdf``: active content stripped from PDFs that go
to investors; ``csv``: spreadsheet formulas neutralised in every CSV cell.
"""
