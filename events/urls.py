from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.events_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("calendar/", views.calendar_feed_page, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("rsvp/<str:token>/", views.rsvp_manage, name="rsvp_manage"),
    path("rsvp/<str:token>/confirm/", views.rsvp_confirm, name="rsvp_confirm"),
    path("rsvp/<str:token>/qr.svg", views.rsvp_qr, name="rsvp_qr"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/rsvp/", views.event_rsvp, name="rsvp"),
    path("<slug:slug>/event.ics", views.event_ics, name="ics"),
    path("<slug:slug>/edit/", views.event_edit, name="edit"),
    path("<slug:slug>/cancel/", views.event_cancel, name="cancel"),
    path("<slug:slug>/duplicate/", views.event_duplicate, name="duplicate"),
    path("<slug:slug>/manage/", views.event_manage, name="manage"),
    path("<slug:slug>/attendees.csv", views.event_attendees_csv, name="attendees_csv"),
    path("<slug:slug>/check-in/", views.event_check_in, name="check_in"),
    path("<slug:slug>/check-in/count/", views.event_check_in_count, name="check_in_count"),
    path("<slug:slug>/walk-in/", views.event_walk_in, name="walk_in"),
]
