from django.urls import path

from fundraising import views

urlpatterns = [path("", views.stripe_webhook, name="stripe_webhook")]
