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

# Whether a registration form lets later Exchange Act reports be incorporated automatically (forward
# incorporation). True: always (S-3, F-3 and their automatic shelf forms, S-8). "eligible": Form S-1 for a
# smaller reporting company meeting Item 12(b)'s conditions, since January 19, 2016 (FAST Act, Release
# 33-10003). False: never (SB-1, SB-2, F-1). Forms not listed (S-2, S-4, F-4, S-11) depend on the issuer and
# the form's history; the portal raises nothing for them.
FORWARD_INCORPORATION_BY_FORM: dict[str, bool | str] = {
    "S-3": True,
    "S-3ASR": True,
    "F-3": True,
    "F-3ASR": True,
    "S-8": True,
    "S-1": "eligible",
    "SB-1": False,
    "SB-2": False,
    "F-1": False,
}
S1_FORWARD_INCORPORATION_FROM = "2016-01-19"
