"""The error a rendition raises when it cannot be produced from the records."""

from offerings.signals import SignalActionError


class RenderError(SignalActionError):
    """A rendition could not be produced; nothing was stored.

    A ``SignalActionError``: raised while approving, it rolls the approval back, and the offerings admin
    shows its message without knowing about documents. The staff views answer it with a 409 page.
    """
