"""Browsing groups, starting one, its settings (owners) and the group page."""

import html

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from causeweb.core import page_cache
from causeweb.core.boundary import form_errors
from causeweb.core.exceptions import PermissionDenied
from causeweb.core.pagination import CappedPaginator
from communities import forms, policies, previews, selectors
from communities.hooks import group_page_sections
from communities.maps import group_map_markers
from communities.services import groups as group_services
from communities.services.sharing import group_share_link
from communities.services.site_moderation import site_moderator_read_record
from communities.views._common import flag_reasons, with_group

GROUPS_PER_PAGE = 24


@page_cache.cached_page
def communities_list(request):
    page_cache.depends_on("groups")
    form = forms.GroupSearchForm(request.GET or None)
    query = cause = place = ""
    near = None
    if form.is_valid():
        query, place = form.cleaned_data["q"], form.cleaned_data["place"]
        cause = form.cleaned_data["cause"].slug if form.cleaned_data["cause"] else ""
        near = (form.near.latitude, form.near.longitude) if form.near else None
    page = CappedPaginator(
        selectors.group_search(query=query, cause_slug=cause, place=place, near=near), GROUPS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "communities/list.html",
        {
            "form": form,
            "page": page,
            "my_groups": selectors.group_list_for_user(user=request.user),
            "searching": bool(query or cause or place),
            "map_markers": group_map_markers(page.object_list),
        },
    )


@login_required
def group_create(request):
    form = forms.GroupForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            group = group_services.group_create(creator=request.user, **form.cleaned_data)
        if call.ok:
            messages.success(request, gettext("Your group is ready. Invite people to join!"))
            return redirect(group)
    return render(request, "communities/group_form.html", {"form": form, "creating": True})


@login_required
@with_group
def group_edit(request, group, access):
    if not access.is_owner:
        raise PermissionDenied(gettext("Only the group's owners can change its settings."))
    initial = {
        "name": group.name,
        "description": group.description,
        "cause": group.cause,
        "location": group.location,
        "latitude": group.latitude,
        "longitude": group.longitude,
        "visibility": group.visibility,
        "code_of_conduct": group.code_of_conduct,
    }
    form = forms.GroupForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            group_services.group_update(actor=request.user, group=group, **form.cleaned_data)
        if call.ok:
            messages.success(request, gettext("Saved."))
            return redirect(group)
    return render(
        request, "communities/group_form.html", {"form": form, "group": group, "access": access, "creating": False}
    )


@page_cache.cached_page
@with_group
def group_detail(request, group, access):
    # The supported campaigns' cards show their figures; the events section its events.
    page_cache.depends_on(f"group:{group.pk}", "campaigns", "events")
    site_moderator_read_record(access=access, what="group")
    threads = []
    if access.can_read_discussions:
        threads = list(selectors.thread_list_for_group(group=group, access=access)[:5])
    return render(
        request,
        "communities/detail.html",
        {
            "group": group,
            "access": access,
            "threads": threads,
            "sections": group_page_sections.sections(group=group, viewer=request.user),
            "campaigns": selectors.group_supported_campaigns(group=group),
            "campaign_form": forms.GroupCampaignForm() if access.can_moderate else None,
            "flag_reasons": flag_reasons(),
            **_share_context(request, group),
        },
    )


def _share_context(request, group) -> dict:
    """Open Graph / Twitter tags, schema.org data and the viewer's own tracked share link; a
    private group's page is for members only and offers none of them."""
    if not policies.can_share_group(group):
        return {"offer_sharing": False}
    canonical_url = request.build_absolute_uri(group.get_absolute_url())
    card_url = request.build_absolute_uri(reverse("communities:card", kwargs={"slug": group.slug}))
    logo_url = request.build_absolute_uri(group.avatar.url) if group.avatar else ""
    return {
        "offer_sharing": True,
        "canonical_url": canonical_url,
        "card_url": card_url,
        "share_description": previews.group_share_description(group),
        "structured_data": previews.group_structured_data(
            group, url=canonical_url, image_url=card_url, logo_url=logo_url
        ),
        "share_url": request.build_absolute_uri(group_share_link(group=group, actor=request.user).get_absolute_url()),
        "embed_code": _embed_code(request, group),
    }


def _embed_code(request, group) -> str:
    """The iframe snippet an organiser pastes on their site, as text (the template escapes it once
    more to show it in a textarea); code, so it stays out of the templates' translatable text."""
    embed_url = request.build_absolute_uri(reverse("communities:embed", kwargs={"slug": group.slug}))
    return (
        f'<iframe src="{html.escape(embed_url)}" width="440" height="180" style="border:0" '
        f'title="{html.escape(group.name)}" loading="lazy"></iframe>'
    )
