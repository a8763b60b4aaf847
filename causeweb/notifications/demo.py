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
]
# Replies and announcements are not faked here: the groups' demo (communities/demo.py) makes real
# ones through its services, so they link to the thread and the group page (a fake one here could
# only link to /groups/, the platform knows no group).


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
