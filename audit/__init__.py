"""The audit trail: who changed which record, from what to what, and the workflow's events, hash-chained.

The bottom layer: it knows no app above it. Apps name their writers with ``audit.context.audited`` /
``acting`` and their workflow events with ``audit.events.record_event``; which models are followed is wiring,
in the settings (``AUDIT_TRACKED_APPS``).
"""
