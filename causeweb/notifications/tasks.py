from celery import shared_task

from causeweb.notifications import delivery


@shared_task(
    name="causeweb.notifications.tasks.deliver_emails",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def deliver_emails(notification_ids: list[int]) -> int:
    return sum(1 for pk in notification_ids if delivery.deliver_email(pk))
