from django.urls import path

from communities import views

app_name = "communities"
urlpatterns = [
    path("", views.communities_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation"),
    path("<slug:slug>/", views.group_detail, name="detail"),
    path("<slug:slug>/edit/", views.group_edit, name="edit"),
    path("<slug:slug>/join/", views.group_join, name="join"),
    path("<slug:slug>/leave/", views.group_leave, name="leave"),
    path("<slug:slug>/withdraw/", views.join_request_withdraw, name="withdraw"),
    path("<slug:slug>/members/", views.member_list, name="members"),
    path("<slug:slug>/members/<id:membership_id>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/members/<id:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/members/<id:membership_id>/ban/", views.member_ban, name="member_ban"),
    path("<slug:slug>/bans/<id:user_id>/lift/", views.member_unban, name="member_unban"),
    path("<slug:slug>/requests/", views.request_queue, name="requests"),
    path(
        "<slug:slug>/requests/<id:request_id>/<str:decision>/",
        views.request_decide,
        name="request_decide",
    ),
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("<slug:slug>/invitations/<id:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("<slug:slug>/announce/", views.announce, name="announce"),
    path("<slug:slug>/campaigns/add/", views.campaign_add, name="campaign_add"),
    path("<slug:slug>/campaigns/<id:campaign_id>/remove/", views.campaign_remove, name="campaign_remove"),
    path("<slug:slug>/flags/", views.flags, name="flags"),
    path("<slug:slug>/threads/", views.thread_list, name="threads"),
    path("<slug:slug>/threads/new/", views.thread_create, name="thread_create"),
    path("<slug:slug>/threads/<id:thread_id>/", views.thread_detail, name="thread"),
    path("<slug:slug>/threads/<id:thread_id>/reply/", views.post_reply, name="reply"),
    path("<slug:slug>/threads/<id:thread_id>/<str:action>/", views.thread_moderate, name="thread_moderate"),
    path("<slug:slug>/posts/<id:post_id>/edit/", views.post_edit, name="post_edit"),
    path("<slug:slug>/posts/<id:post_id>/delete/", views.post_delete, name="post_delete"),
    path("<slug:slug>/posts/<id:post_id>/hide/", views.post_hide, name="post_hide"),
    path("<slug:slug>/posts/<id:post_id>/react/", views.post_react, name="post_react"),
]
