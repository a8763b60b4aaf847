"""Events people show up to, and the RSVPs that count them.

Seats are counted on the event row (`going_seats`, `offered_seats`) and only ever changed by
`events.services` while the event row is locked (`select_for_update`), so the capacity check and
the write happen under one lock; the database also refuses any state where the seats taken exceed
the capacity (`event_seats_within_capacity`), whatever code path tried it.
"""

import secrets
import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TIMEZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]
# Short codes read out at the door: no 0/O, 1/I/L.
CHECK_IN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECK_IN_CODE_LENGTH = 6


def new_check_in_code() -> str:
    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(CHECK_IN_CODE_LENGTH))


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class Event(models.Model):
    class Kind(models.TextChoices):
        RALLY = "rally", _("Rally")
        MARCH = "march", pgettext_lazy("event kind", "March")
        TOWN_HALL = "town_hall", _("Town hall")
        MEETING = "meeting", _("Meeting")
        PHONE_BANK = "phone_bank", _("Phone bank")
        CANVASS = "canvass", _("Canvass")
        ONLINE = "online", _("Online action")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CONFIRMED = "confirmed", _("Confirmed (turnout reached)")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    class CampaignReview(models.TextChoices):
        # An event under a campaign by someone other than its organizer waits for the campaign's
        # review (events/services/campaign_hosting.py) and appears nowhere public until approved.
        APPROVED = "approved", _("Approved")
        PENDING = "pending", _("Awaiting the campaign's review")
        REJECTED = "rejected", _("Not accepted by the campaign")

    class WaitlistMode(models.TextChoices):
        AUTO = "auto", _("Promote the next person automatically")
        CLAIM = "claim", _("Offer the spot; they confirm within a claim window")

    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_events")
    group = models.ForeignKey(
        "communities.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    campaign_review = models.CharField(
        max_length=10, choices=CampaignReview.choices, default=CampaignReview.APPROVED, db_index=True
    )
    campaign_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign_reviewed_at = models.DateTimeField(null=True, blank=True)
    cause = models.ForeignKey(
        "campaigns.Cause", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    title = models.CharField(max_length=140)
    slug = models.SlugField(max_length=160, unique=True)
    description = models.TextField(max_length=20_000, help_text=_("Markdown."))
    description_html = models.TextField(blank=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RALLY, db_index=True)

    # Times are stored in UTC; `timezone` is the zone the event happens in (what the host typed).
    timezone = models.CharField(max_length=64, choices=TIMEZONE_CHOICES, default="UTC")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    venue_name = models.CharField(max_length=140, blank=True)
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    online_url = models.URLField(blank=True, help_text=_("Shown only to confirmed attendees and the host."))
    accessibility_notes = models.TextField(blank=True, max_length=2000)

    capacity = models.PositiveIntegerField(null=True, blank=True, help_text=_("Empty: unlimited."))
    max_guests_per_rsvp = models.PositiveSmallIntegerField(default=2)
    rsvp_deadline = models.DateTimeField(null=True, blank=True, help_text=_("Empty: RSVPs close at the start."))
    waitlist_mode = models.CharField(max_length=10, choices=WaitlistMode.choices, default=WaitlistMode.AUTO)
    claim_window_hours = models.PositiveSmallIntegerField(default=24)

    turnout_minimum = models.PositiveIntegerField(null=True, blank=True)
    commitment_deadline = models.DateTimeField(null=True, blank=True)
    turnout_decided_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    # Seats held (1 + guests per RSVP): changed only under the event's row lock.
    going_seats = models.PositiveIntegerField(default=0)
    offered_seats = models.PositiveIntegerField(default=0)
    # Next waitlist ticket; positions are never reused, so order is stable across cancellations.
    waitlist_sequence = models.PositiveIntegerField(default=0)

    reminder_24h_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_1h_sent_at = models.DateTimeField(null=True, blank=True)

    # Hidden by a site moderator (flag upheld): gone from lists and its page, except for its host
    # and site moderators, until restored.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Tracked share links to this page (campaigns' ShareLink with this as its target), deleted with it.
    share_links = GenericRelation("campaigns.ShareLink", content_type_field="target_type", object_id_field="target_id")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0), name="event_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=F("going_seats") + F("offered_seats")),
                name="event_seats_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="event_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="event_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="event_coordinates_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(turnout_minimum__isnull=True) | Q(turnout_minimum__gt=0, commitment_deadline__isnull=False),
                name="event_turnout_needs_deadline",
            ),
            models.CheckConstraint(
                condition=Q(claim_window_hours__gte=1, claim_window_hours__lte=168), name="event_claim_window_range"
            ),
            models.CheckConstraint(condition=Q(max_guests_per_rsvp__lte=20), name="event_max_guests_limit"),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_start"),
            # The public list (events.selectors.event_list_public): public states, by start, read in
            # order so `status IN (...)` does not force a sort of every event.
            models.Index(
                "starts_at", "id", condition=Q(status__in=("scheduled", "confirmed")), name="event_public_start"
            ),
            models.Index(fields=["latitude", "longitude"], name="event_coordinates"),
            models.Index(fields=["campaign", "starts_at"], name="event_campaign_start"),
            models.Index(fields=["group", "starts_at"], name="event_group_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not (self.address or self.venue_name)

    @property
    def seats_taken(self) -> int:
        return self.going_seats + self.offered_seats

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.seats_taken)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def rsvp_closes_at(self):
        if self.rsvp_deadline and self.rsvp_deadline < self.starts_at:
            return self.rsvp_deadline
        return self.starts_at

    def rsvp_open(self, now) -> bool:
        return not self.is_cancelled and now < self.rsvp_closes_at

    @property
    def turnout_percent(self) -> int:
        if not self.turnout_minimum:
            return 0
        return min(100, self.going_seats * 100 // self.turnout_minimum)


class RSVP(models.Model):
    class Status(models.TextChoices):
        GOING = "going", _("Going")
        WAITLISTED = "waitlisted", _("On the waitlist")
        OFFERED = "offered", _("Offered a spot (to confirm)")
        CANCELLED = "cancelled", pgettext_lazy("RSVP status", "Cancelled")

    ACTIVE_STATUSES = (Status.GOING, Status.WAITLISTED, Status.OFFERED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="rsvps"
    )
    # The attendee's name and address: the account's for signed-in people, typed in for guests.
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    guests = models.PositiveSmallIntegerField(default=0, help_text=_("People coming along, besides the attendee."))
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    waitlist_position = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Ticket number in the waitlist (order of joining).")
    )
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    # A guest's seats are held only until this moment unless their email is confirmed (then it is
    # cleared): going with a hold is "unconfirmed", it never counts once the moment has passed.
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    check_in_code = models.CharField(max_length=12, default=new_check_in_code)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    is_walk_in = models.BooleanField(default=False)
    show_publicly = models.BooleanField(default=False, help_text=_("Show my name on the event page."))
    # Opted in to the updates of the event's campaign (guests once their address is confirmed).
    keep_updated = models.BooleanField(default=False)
    # The share link of the event's campaign that brought this person (the session's referral
    # when they RSVPed: last touch), as signatures and donations keep it; check-ins inherit it.
    referral_share_link_id = models.BigIntegerField(
        null=True, blank=True, help_text=_("The campaign share link that brought this person, if any.")
    )
    cancel_reason = models.CharField(max_length=40, blank=True)
    # The language of the page they RSVPed on: what a guest (no account, so no User.language)
    # is written to in afterwards (reminders, waitlist offers, changes).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False) & ~Q(status="cancelled"),
                name="rsvp_one_active_per_user",
            ),
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~Q(email="") & ~Q(status="cancelled"),
                name="rsvp_one_active_per_email",
            ),
            models.UniqueConstraint(fields=["event", "check_in_code"], name="rsvp_check_in_code_unique"),
            models.UniqueConstraint(
                fields=["event", "waitlist_position"],
                condition=Q(waitlist_position__isnull=False),
                name="rsvp_waitlist_position_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["going", "waitlisted", "offered", "cancelled"]), name="rsvp_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["waitlisted", "offered"]) | Q(waitlist_position__isnull=False),
                name="rsvp_waitlisted_has_position",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False), name="rsvp_offer_has_expiry"
            ),
            models.CheckConstraint(
                condition=Q(hold_expires_at__isnull=True) | Q(status="going"), name="rsvp_hold_is_going"
            ),
            models.CheckConstraint(condition=Q(guests__lte=20), name="rsvp_guests_limit"),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="rsvp_guest_has_name"),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="going"), name="rsvp_checked_in_is_going"
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waitlist_position"], name="rsvp_event_status_pos"),
            models.Index(fields=["status", "offer_expires_at"], name="rsvp_offer_expiry"),
            models.Index(fields=["status", "hold_expires_at"], name="rsvp_hold_expiry"),
        ]

    def __str__(self):
        return f"{self.name} — {self.get_status_display()} — {self.event_id}"

    @property
    def seats(self) -> int:
        return 1 + self.guests

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_unconfirmed(self) -> bool:
        """Going on a guest's hold: the seats are theirs only until `hold_expires_at`."""
        return self.status == self.Status.GOING and self.hold_expires_at is not None

    @property
    def is_confirmed_going(self) -> bool:
        return self.status == self.Status.GOING and self.hold_expires_at is None


class EventMessage(models.Model):
    """A message from the host to everyone going, delivered by a Celery task."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=140)
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject


class CalendarFeed(models.Model):
    """A person's private .ics subscription URL: whoever has the token can read their agenda,
    so it is random, long and can be reset."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"


class CampaignHosting(models.Model):
    """Whether anyone may host events under a campaign (a distributed campaign), set by its
    organizer. Events keeps it because campaigns knows nothing of events; no row means closed:
    only the organizer hosts under the campaign's name."""

    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.CASCADE, related_name="event_hosting")
    open_to_anyone = models.BooleanField(default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Hosting for {self.campaign_id}: {'open' if self.open_to_anyone else 'organizer only'}"
