"""Receivers of the offerings' supplement signals: approval freezes the documents, return to draft discards them.

``DocumentsConfig.ready`` connects them (with a ``dispatch_uid`` each, so they are connected once). They run
inside the service's transaction: a rendition that fails to render raises ``rendering.RenderError`` (an
``offerings.signals.SignalActionError``) and the approval rolls back.
"""

from offerings.actors import Actor
from offerings.models import Supplement

from . import services


def freeze_on_approve(sender, *, supplement: Supplement, actor: Actor, **kwargs) -> None:
    """``supplement_approved``: render the three renditions once and store them."""
    services.freeze_supplement(actor=actor, supplement=supplement)


def discard_on_return_to_draft(sender, *, supplement: Supplement, actor: Actor, **kwargs) -> None:
    """``supplement_returned_to_draft``: a supplement back in draft has no frozen documents."""
    services.discard_renditions(actor=actor, supplement=supplement)
