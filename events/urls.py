from django.urls import path

from events.views import browse, calendar, campaign_hosting, check_in, host, rsvp, sharing

app_name = "events"
urlpatterns = [
    path("", browse.events_list, name="list"),
    path("new/", host.event_create, name="create"),
    path("places/", browse.place_autocomplete, name="places"),
    path("calendar/", calendar.calendar_feed_page, name="calendar"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("for-campaign/<slug:slug>/hosting/", campaign_hosting.campaign_hosting, name="campaign_hosting"),
    path("rsvp/<str:token>/", rsvp.rsvp_manage, name="rsvp_manage"),
    path("rsvp/<str:token>/confirm/", rsvp.rsvp_confirm, name="rsvp_confirm"),
    path("rsvp/<str:token>/qr.svg", rsvp.rsvp_qr, name="rsvp_qr"),
    path("<slug:slug>/", browse.event_detail, name="detail"),
    path("<slug:slug>/rsvp/", rsvp.event_rsvp, name="rsvp"),
    path("<slug:slug>/rsvp/form/", rsvp.rsvp_form, name="rsvp_form"),
    path("<slug:slug>/event.ics", browse.event_ics, name="ics"),
    path("<slug:slug>/card.png", sharing.event_card, name="card"),
    path("<slug:slug>/qr.svg", sharing.event_qr, name="qr"),
    path("<slug:slug>/embed/", sharing.event_embed, name="embed"),
    path("<slug:slug>/shares/", sharing.event_share_stats, name="share_stats"),
    path("<slug:slug>/campaign-review/", campaign_hosting.event_review, name="campaign_review"),
    path("<slug:slug>/edit/", host.event_edit, name="edit"),
    path("<slug:slug>/cancel/", host.event_cancel, name="cancel"),
    path("<slug:slug>/duplicate/", host.event_duplicate, name="duplicate"),
    path("<slug:slug>/manage/", host.event_manage, name="manage"),
    path("<slug:slug>/attendees.csv", host.event_attendees_csv, name="attendees_csv"),
    path("<slug:slug>/check-in/", check_in.event_check_in, name="check_in"),
    path("<slug:slug>/check-in/count/", check_in.event_check_in_count, name="check_in_count"),
    path("<slug:slug>/walk-in/", check_in.event_walk_in, name="walk_in"),
    path("<slug:slug>/rsvps/<id:rsvp_id>/remove/", host.event_rsvp_remove, name="rsvp_remove"),
]
