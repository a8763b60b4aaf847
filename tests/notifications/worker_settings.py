"""Settings for the real Celery worker subprocess in test_worker.py: the project's settings plus
a file-recording email backend and a claim timeout the test can wait out."""

import os

from causeweb.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.notifications.backends.FileRecordingBackend"
NOTIFICATIONS_CLAIM_TIMEOUT = int(os.environ.get("NOTIF_TEST_CLAIM_TIMEOUT", "600"))
NOTIFICATIONS_SWEEP_AFTER = int(os.environ.get("NOTIF_TEST_SWEEP_AFTER", "60"))
