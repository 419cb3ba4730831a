"""Signals the offering records send so that apps above them (documents, compliance, delivery) can act.

Each signal is sent inside the transaction of the service that sends it, with ``supplement`` and ``actor``.
A receiver of a ``*_requested`` signal refuses the change by raising ``ValidationError``; nothing has
changed yet. Receivers of the other signals act on a change already written; if one raises, the whole
transaction rolls back and the change never happened.
"""

from django.dispatch import Signal

# Before a supplement in review is approved, with ``override_reason``: compliance re-runs its checks and refuses
# (ValidationError) while an error finding about the supplement stands and no reason is given; each receiver
# returns the findings it weighed, which the approval records.
supplement_approval_requested = Signal()
# Before an approved supplement returns to draft: delivery refuses once investors hold its documents.
supplement_return_to_draft_requested = Signal()
# An approved supplement: documents renders and freezes its renditions (a failed render aborts approval).
supplement_approved = Signal()
# A supplement back in draft: documents discards its frozen renditions.
supplement_returned_to_draft = Signal()


class SignalActionError(Exception):
    """A receiver could not carry out its part of a supplement change (documents: a rendition failed to render).

    The service's transaction rolls back, so the change did not happen; the message says why.
    """
