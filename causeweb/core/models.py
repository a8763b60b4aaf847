"""The transactional outbox: a task to queue, written in the same transaction as the change it
follows, relayed to Celery after commit or by the sweep (causeweb/core/outbox.py)."""

from django.db import models


class OutboxMessage(models.Model):
    """One task to publish. `sent_at` set = published; `claimed_until` in the future = a relayer is
    publishing it now (the claim makes one relayer win per row)."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            # The sweep's scan: unsent rows only, oldest first.
            models.Index(fields=["created_at"], name="outbox_unsent_idx", condition=models.Q(sent_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"
