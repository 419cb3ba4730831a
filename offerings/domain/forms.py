"""Exchange Act report forms, as the rules group them."""

ANNUAL_FORMS = frozenset({"10-K", "10-KSB", "20-F", "10-K/A", "10-KSB/A"})
QUARTERLY_FORMS = frozenset({"10-Q", "10-QSB", "10-Q/A", "10-QSB/A"})
# Amendments (/A) restate a period already reported; they do not satisfy the next report.
ORIGINAL_PERIODIC_FORMS = frozenset(f for f in ANNUAL_FORMS | QUARTERLY_FORMS if not f.endswith("/A"))
# Exchange Act reports a prospectus without forward incorporation must add by supplement; proxy statements
# reach investors through the 10-K's Part III and are left out.
INCORPORATED_FORMS = frozenset(
    {"10-K", "10-KSB", "10-Q", "10-QSB", "8-K", "20-F", "6-K", "10-K/A", "10-Q/A", "10-KSB/A", "10-QSB/A", "8-K/A"}
)
