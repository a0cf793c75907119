"""A real SMTP server on 127.0.0.1 for the tests, run by aiosmtpd in a thread of the test process. It accepts
mail, refuses it (451 to every recipient, as a server that is busy or greylisting does) or hangs (takes the
connection and never answers)."""

import socket
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self):
        self.refuse = False
        self.messages = []
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, port=None):
        self.handler = Handler()
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.handler.messages

    def refuse(self, refuse=True):
        self.handler.refuse = refuse


class HangingServer:
    """Takes connections (the kernel completes them) and never says a word."""

    def __enter__(self):
        self.socket = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.socket.getsockname()[1]
        return self

    def __exit__(self, *exc):
        self.socket.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use(settings, port, timeout=2):
    """Send Django's mail through the SMTP server on `port`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, timeout
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
