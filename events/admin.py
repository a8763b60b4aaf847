from django.contrib import admin

from events.models import RSVP, CalendarFeed, Event, EventMessage


class RSVPInline(admin.TabularInline):
    model = RSVP
    extra = 0
    fields = ("name", "email", "user", "status", "guests", "waitlist_position", "check_in_code", "checked_in_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Seats and waitlist state are read-only here: they change only through events.services,
    under the event's row lock."""

    list_display = ("title", "kind", "status", "starts_at", "timezone", "city", "capacity", "going_seats", "host")
    list_filter = ("status", "kind", "waitlist_mode")
    search_fields = ("title", "city", "venue_name", "host__email")
    date_hierarchy = "starts_at"
    raw_id_fields = ("host", "campaign", "group", "cause")
    readonly_fields = (
        "slug",
        "description_html",
        "going_seats",
        "offered_seats",
        "waitlist_sequence",
        "turnout_decided_at",
        "reminder_24h_sent_at",
        "reminder_1h_sent_at",
        "cancelled_at",
        "created_at",
        "updated_at",
    )
    inlines = [RSVPInline]
    list_select_related = ("host",)


@admin.register(RSVP)
class RSVPAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "event", "status", "guests", "waitlist_position", "checked_in_at", "created_at")
    list_filter = ("status", "is_walk_in")
    search_fields = ("name", "email", "event__title", "check_in_code")
    raw_id_fields = ("event", "user")
    readonly_fields = ("status", "waitlist_position", "offer_expires_at", "check_in_code", "checked_in_at", "guests")
    list_select_related = ("event",)


@admin.register(EventMessage)
class EventMessageAdmin(admin.ModelAdmin):
    list_display = ("subject", "event", "sender", "created_at", "sent_at", "recipient_count")
    raw_id_fields = ("event", "sender")
    list_select_related = ("event", "sender")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    raw_id_fields = ("user",)
    exclude = ("token",)
