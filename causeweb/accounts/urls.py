from django.urls import path

from causeweb.accounts import views

app_name = "accounts"
urlpatterns = [path("", views.profile, name="profile")]
