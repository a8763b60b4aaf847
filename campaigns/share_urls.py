"""Top-level short links (/s/<code>) for tracked shares."""

from django.urls import path

from campaigns import views

urlpatterns = [path("s/<str:code>", views.share_redirect, name="share_redirect")]
