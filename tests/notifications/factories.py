import factory

from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.recipient.email if o.recipient else "guest@example.org")
    kind = Kind.CAMPAIGN_UPDATE
    title = factory.Sequence(lambda n: f"Update number {n}")
    body = "Something happened."
    url = "/campaigns/clean-water/"
    context = factory.LazyAttribute(lambda o: {"title": o.title, "body": o.body, "url": o.url})
    dedupe_key = factory.Sequence(lambda n: f"test-notification:{n}")
    email_status = Notification.EmailStatus.SENT
