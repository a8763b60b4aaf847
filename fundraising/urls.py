from django.urls import path

from fundraising import views

app_name = "fundraising"
urlpatterns = [
    # Two segments ending in "giving/": no campaign URL below has that shape, whatever the slug.
    path("me/giving/", views.my_giving, name="my_giving"),
    path("<slug:slug>/", views.donate, name="donate"),
    path("<slug:slug>/start/", views.donation_start, name="start"),
    path("<slug:slug>/donations/", views.campaign_donations, name="campaign_donations"),
    path("<slug:slug>/donations.csv", views.campaign_donations_csv, name="campaign_donations_csv"),
    path("d/<uuid:public_id>/charge/", views.donation_charge, name="charge"),
    path("d/<uuid:public_id>/refresh/", views.donation_refresh, name="refresh"),
    path("d/<uuid:public_id>/setup-failed/", views.donation_setup_failed, name="setup_failed"),
    path("d/<uuid:public_id>/thanks/", views.donation_thanks, name="thanks"),
]
