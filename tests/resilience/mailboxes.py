"""E-mail backends for workers in a process of their own."""

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class HangingBackend(BaseEmailBackend):
    """Says it started sending (a file in TEST_MAIL_DIR), then never finishes: the worker is
    stuck in the middle of a side effect, to be killed there."""

    def send_messages(self, email_messages):
        Path(os.environ["TEST_MAIL_DIR"], f"sending-{os.getpid()}").write_text("")
        while True:
            time.sleep(1)


class RefusingBackend(BaseEmailBackend):
    """The mail server is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server refused the connection")
