from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("pv/<int:campaign_id>.gif", views.page_view, name="page_view"),
    path("", views.site_dashboard, name="site"),
    path("campaigns/<slug:slug>/", views.campaign_dashboard, name="campaign"),
]
