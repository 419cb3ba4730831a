"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives and refuses chosen recipients.

It can also be slow: with ``delay`` it keeps each message, calls ``on_message`` and only then waits ``delay``
seconds before answering "250", so a test can stop the sender while the server holds a message it has not
yet confirmed (the crash tests of the notice protocol).
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from benchmarks.delivery_load import free_port


@dataclass
class Mailbox:
    messages: list = field(default_factory=list)
    refuse: set = field(default_factory=set)  # recipients answered "550 no such user" (a bounce)
    fail_data: set = field(default_factory=set)  # recipients whose message is answered "451" (a failed send)
    delay: float = 0.0  # seconds to wait after keeping a message, before answering it
    on_message: Callable[["Mailbox"], None] | None = None  # called (in the server's thread) once a message is kept

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(address in self.fail_data for address in envelope.rcpt_tos):
            return "451 4.3.0 Temporary local problem"
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default))
        )
        if self.on_message is not None:
            self.on_message(self)
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def to(self, address: str):
        return [m for _, rcpt, m in self.messages if address in rcpt]


def start(mailbox: Mailbox) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller
