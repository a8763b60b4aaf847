from django.urls import path

from causeweb.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("activity/", views.activity, name="activity"),
    path("tokens/", views.api_token_create, name="api_token_create"),
    path("tokens/<int:token_id>/rename/", views.api_token_rename, name="api_token_rename"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
