from django.urls import path

from communities.views import browse, discussions, membership, moderation

app_name = "communities"
urlpatterns = [
    path("", browse.communities_list, name="list"),
    path("new/", browse.group_create, name="create"),
    path("invite/<str:token>/", membership.invitation_accept, name="invitation"),
    path("<slug:slug>/", browse.group_detail, name="detail"),
    path("<slug:slug>/edit/", browse.group_edit, name="edit"),
    path("<slug:slug>/join/", membership.group_join, name="join"),
    path("<slug:slug>/leave/", membership.group_leave, name="leave"),
    path("<slug:slug>/withdraw/", membership.join_request_withdraw, name="withdraw"),
    path("<slug:slug>/members/", membership.member_list, name="members"),
    path("<slug:slug>/members/<id:membership_id>/role/", membership.member_role, name="member_role"),
    path("<slug:slug>/members/<id:membership_id>/remove/", membership.member_remove, name="member_remove"),
    path("<slug:slug>/members/<id:membership_id>/ban/", membership.member_ban, name="member_ban"),
    path("<slug:slug>/bans/<id:user_id>/lift/", membership.member_unban, name="member_unban"),
    path("<slug:slug>/requests/", membership.request_queue, name="requests"),
    path(
        "<slug:slug>/requests/<id:request_id>/<str:decision>/",
        membership.request_decide,
        name="request_decide",
    ),
    path("<slug:slug>/invitations/", membership.invitations, name="invitations"),
    path("<slug:slug>/invitations/<id:invitation_id>/revoke/", membership.invitation_revoke, name="invitation_revoke"),
    path("<slug:slug>/announce/", moderation.announce, name="announce"),
    path("<slug:slug>/campaigns/add/", moderation.campaign_add, name="campaign_add"),
    path("<slug:slug>/campaigns/<id:campaign_id>/remove/", moderation.campaign_remove, name="campaign_remove"),
    path("<slug:slug>/flags/", moderation.flags, name="flags"),
    path("<slug:slug>/threads/", discussions.thread_list, name="threads"),
    path("<slug:slug>/threads/new/", discussions.thread_create, name="thread_create"),
    path("<slug:slug>/threads/<id:thread_id>/", discussions.thread_detail, name="thread"),
    path("<slug:slug>/threads/<id:thread_id>/reply/", discussions.post_reply, name="reply"),
    path("<slug:slug>/threads/<id:thread_id>/<str:action>/", moderation.thread_moderate, name="thread_moderate"),
    path("<slug:slug>/posts/<id:post_id>/edit/", discussions.post_edit, name="post_edit"),
    path("<slug:slug>/posts/<id:post_id>/delete/", discussions.post_delete, name="post_delete"),
    path("<slug:slug>/posts/<id:post_id>/hide/", moderation.post_hide, name="post_hide"),
    path("<slug:slug>/posts/<id:post_id>/react/", discussions.post_react, name="post_react"),
]
