"""Top-level short links (/s/<code>) for tracked shares."""

from django.urls import path

from campaigns.views import sharing

urlpatterns = [path("s/<str:code>", sharing.share_redirect, name="share_redirect")]
