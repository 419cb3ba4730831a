"""Writes for delivery, one module a concern; every function is keyword-only and staff or system writes take ``actor=``.

- ``packages``: attaching the prospectus and report files, publishing a package version and storing its copies;
- ``links``: creating deliveries, issuing, revoking and re-issuing personal links, marking postal deliveries sent;
- ``notices``: queueing and sending the email notices, and resending them;
- ``evidence``: what an investor's personal link records: page views, downloads and acknowledgements.

Investors themselves, and their import from CSV, are offering records: ``offerings.services.investors``.
"""
