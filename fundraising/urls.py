from django.urls import path
from django.views.i18n import JavaScriptCatalog

from fundraising import monthly_views, pledge_pay_views, pledge_views, views

app_name = "fundraising"
urlpatterns = [
    path("m/<uuid:public_id>/", monthly_views.monthly_plan, name="monthly_plan"),
    path("m/<uuid:public_id>/change/", monthly_views.monthly_plan_change, name="monthly_plan_change"),
    path("m/<uuid:public_id>/cancel/", monthly_views.monthly_plan_cancel, name="monthly_plan_cancel"),
    path("m/<uuid:public_id>/card/", monthly_views.monthly_plan_card_start, name="monthly_plan_card_start"),
    path("m/<uuid:public_id>/card/saved/", monthly_views.monthly_plan_card_finish, name="monthly_plan_card_finish"),
    path("pledges/mine/", pledge_views.my_pledges, name="my_pledges"),
    path("p/<uuid:public_id>/", pledge_views.pledge_detail, name="pledge"),
    path("p/<uuid:public_id>/confirm/", pledge_views.pledge_confirm, name="pledge_confirm"),
    path("p/<uuid:public_id>/change/", pledge_views.pledge_change, name="pledge_change"),
    path("p/<uuid:public_id>/cancel/", pledge_views.pledge_cancel, name="pledge_cancel"),
    path("p/<uuid:public_id>/pay/", pledge_pay_views.pledge_pay_page, name="pledge_pay"),
    path("p/<uuid:public_id>/pay/now/", pledge_pay_views.pledge_pay, name="pledge_pay_now"),
    path("p/<uuid:public_id>/pay/card/", pledge_pay_views.pledge_pay_card, name="pledge_pay_card"),
    path("p/<uuid:public_id>/pay/refresh/", pledge_pay_views.pledge_pay_refresh, name="pledge_pay_refresh"),
    path("<slug:slug>/funding/", pledge_views.campaign_funding_settings, name="funding_settings"),
    path("<slug:slug>/pledge/", pledge_views.pledge_new, name="pledge_new"),
    path("<slug:slug>/pledge/start/", pledge_views.pledge_start, name="pledge_start"),
    path("<slug:slug>/pledges/", pledge_views.campaign_pledges, name="campaign_pledges"),
    # Two segments ending in "giving/": no campaign URL below has that shape, whatever the slug.
    path("me/giving/", views.my_giving, name="my_giving"),
    # The donate, pledge and monthly scripts' messages (gettext in JS, catalogue domain djangojs);
    # loaded as <script src> (the CSP forbids inline scripts). Before "<slug:slug>/".
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["fundraising"]), name="javascript_catalog"),
    path("<slug:slug>/", views.donate, name="donate"),
    path("<slug:slug>/start/", views.donation_start, name="start"),
    path("<slug:slug>/donations/", views.campaign_donations, name="campaign_donations"),
    path("<slug:slug>/donations.csv", views.campaign_donations_csv, name="campaign_donations_csv"),
    path("d/<uuid:public_id>/charge/", views.donation_charge, name="charge"),
    path("d/<uuid:public_id>/refresh/", views.donation_refresh, name="refresh"),
    path("d/<uuid:public_id>/setup-failed/", views.donation_setup_failed, name="setup_failed"),
    path("d/<uuid:public_id>/thanks/", views.donation_thanks, name="thanks"),
]
