from django.urls import path

from campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("mine/", views.my_campaigns, name="mine"),
    path("signatures/confirm/<str:token>/", views.signature_confirm, name="signature_confirm"),
    path("<slug:slug>/", views.campaign_detail, name="detail"),
    path("<slug:slug>/preview/", views.campaign_preview, name="preview"),
    path("<slug:slug>/edit/", views.campaign_edit, name="edit"),
    path("<slug:slug>/submit/", views.campaign_submit, name="submit"),
    path("<slug:slug>/close/", views.campaign_close, name="close"),
    path("<slug:slug>/stats/", views.campaign_stats, name="stats"),
    path("<slug:slug>/updates/", views.update_create, name="update_create"),
    path("<slug:slug>/news/", views.update_list, name="updates"),
    path("<slug:slug>/sign/", views.sign, name="sign"),
    path("<slug:slug>/counter/", views.signature_counter, name="counter"),
    path("<slug:slug>/signatures.csv", views.signatures_csv, name="signatures_csv"),
    path("<slug:slug>/follow/", views.follow, name="follow"),
    path("<slug:slug>/unfollow/", views.unfollow, name="unfollow"),
    path("<slug:slug>/comments/", views.comment_create, name="comment_create"),
    path("<slug:slug>/comments/<id:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("<slug:slug>/comments/<id:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("<slug:slug>/comments/<id:comment_id>/hide/", views.comment_hide, name="comment_hide"),
    path("<slug:slug>/comments/<id:comment_id>/flag/", views.comment_flag, name="comment_flag"),
    path("<slug:slug>/report/", views.campaign_flag, name="flag"),
    path("<slug:slug>/embed/", views.campaign_embed, name="embed"),
    path("<slug:slug>/qr.svg", views.campaign_qr, name="qr"),
]
