from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("pv/<int:campaign_id>.gif", views.page_view, name="page_view"),
    path("campaigns/<slug:slug>/", views.campaign_dashboard, name="campaign"),
]
