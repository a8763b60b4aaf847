"""Demo notifications so the bell, the list and the preferences page have something to show.
Idempotent: every notification has a fixed dedupe key. Emails go to the console in the demo."""

from causeweb.accounts.demo import demo_users
from causeweb.core import ratelimits
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import NotificationPreference
from causeweb.notifications.services import notify

DEMO_ITEMS = [
    (Kind.CAMPAIGN_APPROVED, "Your campaign is live", "Moderators approved it; share it now.", "/campaigns/"),
    (Kind.RSVP_CONFIRMATION, "You are going to the river clean-up", "Bring gloves and water.", "/events/"),
    (Kind.THREAD_REPLY, "Jonas replied in “Weekend plans”", "Count me in for Saturday!", "/groups/"),
    (Kind.ANNOUNCEMENT, "New meeting place for the group", "We meet at the library from now on.", "/groups/"),
]


@ratelimits.exempt
def seed(stdout):
    people = demo_users()
    amina, jonas = people[0], people[1]
    created = 0
    for index, (kind, title, body, url) in enumerate(DEMO_ITEMS):
        if notify(
            recipient=amina,
            kind=kind,
            context={"title": title, "body": body, "url": url},
            dedupe_key=f"demo:amina:{index}",
        ):
            created += 1
    # Jonas prefers one email a day for discussion replies.
    NotificationPreference.objects.get_or_create(
        user=jonas, kind=Kind.THREAD_REPLY, defaults={"daily_digest": True, "email_enabled": True}
    )
    stdout.write(f"Demo notifications: {created} new for {amina.email}.")
