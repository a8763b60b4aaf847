from django.urls import path

from campaigns.views import browse, comments, flags, follows, organizer, page, sharing, signatures, webhooks

app_name = "campaigns"
urlpatterns = [
    path("", browse.campaign_list, name="list"),
    path("new/", organizer.campaign_create, name="create"),
    path("mine/", organizer.my_campaigns, name="mine"),
    path("signatures/confirm/<str:token>/", signatures.signature_confirm, name="signature_confirm"),
    path("<slug:slug>/", page.campaign_detail, name="detail"),
    path("<slug:slug>/preview/", page.campaign_preview, name="preview"),
    path("<slug:slug>/edit/", organizer.campaign_edit, name="edit"),
    path("<slug:slug>/submit/", organizer.campaign_submit, name="submit"),
    path("<slug:slug>/close/", organizer.campaign_close, name="close"),
    path("<slug:slug>/stats/", organizer.campaign_stats, name="stats"),
    path("<slug:slug>/webhooks/", webhooks.webhook_settings, name="webhooks"),
    path("<slug:slug>/webhooks/<id:endpoint_id>/disable/", webhooks.webhook_disable, name="webhook_disable"),
    path("<slug:slug>/updates/", organizer.update_create, name="update_create"),
    path("<slug:slug>/news/", page.update_list, name="updates"),
    path("<slug:slug>/sign/", signatures.sign, name="sign"),
    path("<slug:slug>/counter/", page.signature_counter, name="counter"),
    path("<slug:slug>/signatures.csv", organizer.signatures_csv, name="signatures_csv"),
    path("<slug:slug>/follow/", follows.follow, name="follow"),
    path("<slug:slug>/unfollow/", follows.unfollow, name="unfollow"),
    path("<slug:slug>/comments/", comments.comment_create, name="comment_create"),
    path("<slug:slug>/comments/<id:comment_id>/edit/", comments.comment_edit, name="comment_edit"),
    path("<slug:slug>/comments/<id:comment_id>/delete/", comments.comment_delete, name="comment_delete"),
    path("<slug:slug>/comments/<id:comment_id>/hide/", comments.comment_hide, name="comment_hide"),
    path("<slug:slug>/comments/<id:comment_id>/flag/", flags.comment_flag, name="comment_flag"),
    path("<slug:slug>/report/", flags.campaign_flag, name="flag"),
    path("<slug:slug>/embed/", sharing.campaign_embed, name="embed"),
    path("<slug:slug>/qr.svg", sharing.campaign_qr, name="qr"),
]
