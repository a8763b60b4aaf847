from django.urls import path

from causeweb.moderation import views

app_name = "moderation"
urlpatterns = [
    path("", views.transparency_log, name="transparency"),
    path("appeal/<str:token>/", views.appeal, name="appeal"),
    path("decisions/<int:pk>/appeal/", views.appeal_signed_in, name="appeal-signed-in"),
    path("flag/<str:app_label>/<str:model>/<id:pk>/", views.flag, name="flag"),
]
