from django.urls import path

from causeweb.moderation import views

app_name = "moderation"
urlpatterns = [path("flag/<str:app_label>/<str:model>/<id:pk>/", views.flag, name="flag")]
