"""Email backends used only by the notification tests.

- FailingBackend raises whatever exception the test puts in `FailingBackend.error`.
- FileRecordingBackend is what the real Celery worker subprocess sends through: every message
  becomes one file in $NOTIF_TEST_MAIL_DIR, so the test process can count deliveries across
  processes. With $NOTIF_TEST_SEND_DELAY set it first drops a `sending-*` marker and sleeps,
  which gives the kill test a send in progress to kill.
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    error: BaseException | None = None
    only_for: set[str] = set()  # when set, fail only messages to these addresses
    sent: list = []

    def send_messages(self, email_messages):
        targeted = not FailingBackend.only_for or any(
            address in FailingBackend.only_for for message in email_messages for address in message.to
        )
        if FailingBackend.error is not None and targeted:
            raise FailingBackend.error
        FailingBackend.sent.extend(email_messages)
        return len(email_messages)


class FileRecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["NOTIF_TEST_MAIL_DIR"])
        delay = float(os.environ.get("NOTIF_TEST_SEND_DELAY", "0") or 0)
        for message in email_messages:
            token = uuid.uuid4().hex
            message_id = message.extra_headers.get("Message-ID", "").strip("<>").replace("@", "_at_")
            if delay:
                (directory / f"sending-{message_id}-{token}").write_text(str(os.getpid()))
                time.sleep(delay)
            # Written atomically (rename), so a half-written file is never counted as a delivery.
            tmp = directory / f".tmp-{token}"
            tmp.write_bytes(message.message().as_bytes())
            tmp.rename(directory / f"mail-{message_id}-{token}.eml")
        return len(email_messages)
