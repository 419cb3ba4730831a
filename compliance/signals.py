"""Signals of the compliance check, for apps above it (delivery) to add their own findings."""

from django.dispatch import Signal

# Sent once per registration checked, with ``registration`` and ``as_of``; each receiver returns a list of
# ``offerings.domain.findings.Finding`` (delivery: DELIVERY_INCOMPLETE, PACKAGE_OUT_OF_DATE). The check reports
# them with its own.
registration_checked = Signal()
