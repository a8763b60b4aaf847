"""Thin HTML views: parse input, call one service or selector, render."""

import csv
import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns import policies, selectors, services
from campaigns.forms import BrowseForm, CampaignForm, CommentForm, FlagForm, SignatureForm, UpdateForm
from campaigns.hooks import campaign_page_sections
from campaigns.models import Campaign
from causeweb.core import ratelimits
from causeweb.core.clientip import client_ip
from causeweb.core.converters import parse_id
from causeweb.core.exceptions import Conflict, PermissionDenied, RateLimited, ValidationError
from causeweb.core.forms import add_service_error, message_service_error

PAGE_SIZE = 12
GUEST_SIGNATURES_SESSION_KEY = "campaign_guest_signatures"
DOMAIN_ERRORS = (ValidationError, PermissionDenied, Conflict)


def _public_or_404(slug: str) -> Campaign:
    campaign = selectors.campaign_get_public(slug=slug)
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


def _managed_or_404(request, slug: str) -> Campaign:
    campaign = selectors.campaign_get_for_manager(slug=slug, user=request.user)
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


def _visitor(request) -> str:
    return services.visitor_fingerprint(
        user_id=request.user.pk if request.user.is_authenticated else None, ip=client_ip(request)
    )


# --- browse ---------------------------------------------------------------------------------------


@require_GET
def campaign_list(request):
    form = BrowseForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    campaigns = selectors.campaign_search(
        query=filters.get("q", ""),
        cause_slug=filters.get("cause", ""),
        tag_slug=filters.get("tag", ""),
        location=filters.get("location", ""),
        status=filters.get("status", ""),
        sort=filters.get("sort", ""),
    )
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "campaigns/list.html",
        {
            "form": form,
            "page": page,
            "campaigns": page.object_list,
            "causes": selectors.cause_list(),
            "tags": selectors.tag_list_in_use(limit=20),
            "filters": filters,
            "querystring": query_without_page.urlencode(),
        },
    )


# --- the campaign page ----------------------------------------------------------------------------


def _detail_context(request, campaign: Campaign, *, preview: bool = False, **forms) -> dict:
    user = request.user
    page = selectors.campaign_page(campaign=campaign, viewer=user, comment_page=request.GET.get("comments") or 1)
    if page.my_signature is None and not user.is_authenticated:
        # A guest who signed from this browser sees their signature's state, not the form again.
        signature_id = request.session.get(GUEST_SIGNATURES_SESSION_KEY, {}).get(str(campaign.pk))
        if signature_id:
            page.my_signature = selectors.signature_get(signature_id=signature_id, campaign=campaign)
    canonical_url = request.build_absolute_uri(campaign.get_absolute_url())
    share_url = canonical_url
    if campaign.is_public and not preview:
        share_url = request.build_absolute_uri(
            services.share_link_get_or_create(campaign=campaign, user=user).get_absolute_url()
        )
    return {
        "campaign": campaign,
        "page": page,
        "preview": preview,
        "can_manage": services.user_can_manage(user, campaign),
        "can_export_signatures": policies.can_export_signatures(user, campaign),
        "is_organizer": user.is_authenticated and campaign.organizer_id == user.pk,
        "is_moderator": services.user_is_moderator(user),
        "can_hide_comments": services.user_can_hide_comments(user, campaign),
        "sections": campaign_page_sections.sections(campaign=campaign, viewer=user),
        "canonical_url": canonical_url,
        "share_url": share_url,
        "cover_url": request.build_absolute_uri(campaign.cover.url) if campaign.cover else "",
        "signature_form": forms.get("signature_form") or SignatureForm(user=user),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "update_form": forms.get("update_form") or UpdateForm(),
        "edit_window_minutes": int(services.COMMENT_EDIT_WINDOW.total_seconds() // 60),
    }


@require_GET
def campaign_detail(request, slug: str):
    campaign = selectors.campaign_get_public(slug=slug)
    if campaign is None:
        if selectors.campaign_get_for_manager(slug=slug, user=request.user) is not None:
            return redirect("campaigns:preview", slug=slug)
        raise Http404("No such campaign.")
    return render(request, "campaigns/detail.html", _detail_context(request, campaign))


@require_GET
def update_list(request, slug: str):
    campaign = _public_or_404(slug)
    page = Paginator(selectors.campaign_updates(campaign=campaign), 20).get_page(request.GET.get("page"))
    return render(request, "campaigns/updates.html", {"campaign": campaign, "page": page})


@login_required
@require_GET
def campaign_preview(request, slug: str):
    campaign = _managed_or_404(request, slug)
    return render(request, "campaigns/detail.html", _detail_context(request, campaign, preview=True))


@require_GET
def signature_counter(request, slug: str):
    """The live counter, polled by htmx."""
    campaign = _public_or_404(slug)
    return render(request, "campaigns/_counter.html", {"campaign": campaign})


# --- organizer ------------------------------------------------------------------------------------


@login_required
def campaign_create(request):
    form = CampaignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(organizer=request.user, **form.service_kwargs())
        except DOMAIN_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Draft saved. Preview it, then submit it for review when it is ready.")
            return redirect("campaigns:preview", slug=campaign.slug)
    return render(request, "campaigns/form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request, slug: str):
    campaign = _managed_or_404(request, slug)
    if campaign.organizer_id != request.user.pk:
        raise Http404("No such campaign.")
    form = CampaignForm(request.POST or None, request.FILES or None, initial=CampaignForm.initial_for(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_edit(campaign=campaign, actor=request.user, **form.service_kwargs())
        except DOMAIN_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Changes saved.")
            target = "campaigns:detail" if campaign.is_public else "campaigns:preview"
            return redirect(target, slug=campaign.slug)
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign})


@login_required
@require_POST
def campaign_submit(request, slug: str):
    campaign = _managed_or_404(request, slug)
    try:
        services.campaign_submit_for_review(campaign=campaign, actor=request.user)
    except DOMAIN_ERRORS as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "Submitted. A moderator will review it soon; we will email you.")
    return redirect("campaigns:preview", slug=slug)


@login_required
@require_POST
def campaign_close(request, slug: str):
    campaign = _managed_or_404(request, slug)
    try:
        services.campaign_close(campaign=campaign, actor=request.user)
    except DOMAIN_ERRORS as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "The campaign is closed. Thank you for all you did.")
    return redirect("campaigns:detail", slug=slug)


@login_required
@require_GET
def my_campaigns(request):
    return render(
        request, "campaigns/mine.html", {"campaigns": selectors.campaign_list_for_organizer(user=request.user)}
    )


@login_required
@require_GET
def campaign_stats(request, slug: str):
    campaign = _managed_or_404(request, slug)
    return render(
        request,
        "campaigns/stats.html",
        {"campaign": campaign, "stats": selectors.share_stats(campaign=campaign)},
    )


@login_required
@require_POST
def update_create(request, slug: str):
    campaign = _managed_or_404(request, slug)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            update = services.campaign_update_create(
                campaign=campaign, author=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
        except DOMAIN_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Update posted; followers are being notified.")
            return redirect(f"{campaign.get_absolute_url()}#update-{update.pk}")
    if not campaign.is_public:
        message_service_error(request, ValidationError("Post updates once the campaign is published."))
        return redirect("campaigns:preview", slug=slug)
    return render(request, "campaigns/detail.html", _detail_context(request, campaign, update_form=form), status=400)


class _Echo:
    def write(self, value):
        return value


def _csv_safe(value) -> str:
    """Spreadsheet apps run cells that start with = + - @ as formulas: neutralise them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_GET
def signatures_csv(request, slug: str):
    campaign = selectors.campaign_get_for_signature_export(slug=slug, user=request.user)
    if campaign is None:
        raise Http404("No such campaign.")
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["name", "email", "comment", "public", "confirmed", "signed_at", "via_share_link"])
        for signature in selectors.signature_list_for_export(campaign=campaign):
            yield writer.writerow(
                [
                    _csv_safe(signature.name),
                    _csv_safe(signature.email),
                    _csv_safe(signature.comment),
                    "yes" if signature.is_public else "no",
                    signature.confirmed_at.isoformat() if signature.confirmed_at else "",
                    signature.created_at.isoformat(),
                    signature.share_link.code if signature.share_link else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-signatures.csv"'
    return response


# --- signatures -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sign(request, slug: str):
    campaign = _public_or_404(slug)
    if request.method == "GET":
        return redirect(f"{campaign.get_absolute_url()}#sign")
    form = SignatureForm(request.POST, user=request.user)
    if not request.user.is_authenticated:
        try:
            ratelimits.enforce_ip(
                "signature_guest_ip",
                request,
                message="Too many signatures from your connection in the last hour; please try again later.",
            )
        except RateLimited as exc:
            messages.error(request, exc.message)
            return redirect(f"{campaign.get_absolute_url()}#sign")
    if form.is_valid():
        try:
            signature = services.signature_create(
                campaign=campaign,
                user=request.user,
                name=form.cleaned_data["name"],
                email=form.cleaned_data.get("email", ""),
                comment=form.cleaned_data.get("comment", ""),
                is_public=form.cleaned_data.get("is_public", False),
                share_link_id=selectors.referral_share_link_id(session=request.session, campaign_id=campaign.pk),
            )
        except Conflict as exc:
            messages.info(request, exc.message)
            return redirect(f"{campaign.get_absolute_url()}#sign")
        except DOMAIN_ERRORS as exc:
            add_service_error(form, exc)
        else:
            if not request.user.is_authenticated:
                signed = dict(request.session.get(GUEST_SIGNATURES_SESSION_KEY, {}))
                signed[str(campaign.pk)] = signature.pk
                request.session[GUEST_SIGNATURES_SESSION_KEY] = signed
            if signature.is_confirmed:
                messages.success(request, "Thank you — your name is on the petition. Now pass it on!")
            else:
                messages.success(
                    request,
                    f"Almost done: we sent a link to {signature.email}. Your signature counts once you confirm.",
                )
            return redirect(f"{campaign.get_absolute_url()}#share")
    return render(request, "campaigns/detail.html", _detail_context(request, campaign, signature_form=form), status=400)


@require_http_methods(["GET", "POST"])
def signature_confirm(request, token: str):
    """GET shows a button (mail scanners prefetch links); POST confirms."""
    try:
        signature = services.signature_from_token(token=token)
    except ValidationError as exc:
        return render(request, "campaigns/signature_confirm.html", {"error": exc.messages[0]}, status=400)
    if request.method == "POST":
        try:
            signature = services.signature_confirm(token=token)
        except ValidationError as exc:
            return render(
                request,
                "campaigns/signature_confirm.html",
                {"error": exc.messages[0], "signature": signature},
                status=400,
            )
        messages.success(request, "Confirmed — your signature now counts. Thank you!")
        return redirect(f"{signature.campaign.get_absolute_url()}#share")
    return render(request, "campaigns/signature_confirm.html", {"signature": signature, "token": token})


# --- follow ---------------------------------------------------------------------------------------


@login_required
@require_POST
def follow(request, slug: str):
    campaign = _public_or_404(slug)
    try:
        services.campaign_follow(campaign=campaign, user=request.user)
    except DOMAIN_ERRORS as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "You follow this campaign: we will tell you when there is news.")
    return redirect(campaign.get_absolute_url())


@login_required
@require_POST
def unfollow(request, slug: str):
    campaign = _public_or_404(slug)
    try:
        services.campaign_unfollow(campaign=campaign, user=request.user)
    except DOMAIN_ERRORS as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "You no longer follow this campaign.")
    return redirect(campaign.get_absolute_url())


# --- comments -------------------------------------------------------------------------------------


def _comment_or_404(campaign: Campaign, comment_id: int):
    comment = selectors.comment_get(comment_id=comment_id, campaign=campaign)
    if comment is None:
        raise Http404("No such comment.")
    return comment


@login_required
@require_http_methods(["GET", "POST"])
def comment_create(request, slug: str):
    campaign = _public_or_404(slug)
    if request.method == "GET":
        return redirect(f"{campaign.get_absolute_url()}#comments")
    form = CommentForm(request.POST)
    parent = None
    if request.POST.get("parent"):
        try:
            parent = _comment_or_404(campaign, parse_id(request.POST["parent"]))
        except ValueError:
            raise Http404("No such comment.")
    if form.is_valid():
        try:
            comment = services.comment_create(
                campaign=campaign, author=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except DOMAIN_ERRORS as exc:
            if parent is not None:
                message_service_error(request, exc)
                return redirect(f"{campaign.get_absolute_url()}#comment-{parent.pk}")
            add_service_error(form, exc)
        else:
            return redirect(f"{campaign.get_absolute_url()}#comment-{comment.pk}")
    elif parent is not None:
        message_service_error(request, ValidationError("Write something first."))
        return redirect(f"{campaign.get_absolute_url()}#comment-{parent.pk}")
    return render(request, "campaigns/detail.html", _detail_context(request, campaign, comment_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, slug: str, comment_id: int):
    campaign = _public_or_404(slug)
    comment = _comment_or_404(campaign, comment_id)
    if comment.author_id != request.user.pk:
        raise PermissionDenied("Only the author can edit this comment.")
    form = CommentForm(request.POST or None, instance=comment)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment=comment, actor=request.user, body=form.cleaned_data["body"])
        except DOMAIN_ERRORS as exc:
            add_service_error(form, exc)
        else:
            return redirect(f"{campaign.get_absolute_url()}#comment-{comment.pk}")
    return render(request, "campaigns/comment_edit.html", {"campaign": campaign, "comment": comment, "form": form})


@login_required
@require_POST
def comment_delete(request, slug: str, comment_id: int):
    campaign = _public_or_404(slug)
    comment = _comment_or_404(campaign, comment_id)
    try:
        services.comment_delete(comment=comment, actor=request.user)
    except DOMAIN_ERRORS as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "Comment deleted.")
    return redirect(f"{campaign.get_absolute_url()}#comments")


@login_required
@require_POST
def comment_hide(request, slug: str, comment_id: int):
    campaign = _public_or_404(slug)
    comment = _comment_or_404(campaign, comment_id)
    try:
        services.comment_hide(comment=comment, actor=request.user, reason=request.POST.get("reason", "")[:500])
    except DOMAIN_ERRORS as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "Comment hidden.")
    return redirect(f"{campaign.get_absolute_url()}#comments")


@login_required
@require_http_methods(["GET", "POST"])
def comment_flag(request, slug: str, comment_id: int):
    campaign = _public_or_404(slug)
    comment = _comment_or_404(campaign, comment_id)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_flag(
                comment=comment,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except Conflict as exc:
            messages.info(request, exc.message)
            return redirect(f"{campaign.get_absolute_url()}#comment-{comment.pk}")
        except DOMAIN_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Thank you — moderators will look at it.")
            return redirect(f"{campaign.get_absolute_url()}#comment-{comment.pk}")
    return render(request, "campaigns/comment_flag.html", {"campaign": campaign, "comment": comment, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_flag(request, slug: str):
    campaign = _public_or_404(slug)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_flag(
                campaign=campaign,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except Conflict as exc:
            messages.info(request, exc.message)
            return redirect(campaign.get_absolute_url())
        except DOMAIN_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Thank you — moderators will look at it.")
            return redirect(campaign.get_absolute_url())
    return render(request, "campaigns/comment_flag.html", {"campaign": campaign, "comment": None, "form": form})


# --- sharing --------------------------------------------------------------------------------------


@require_GET
def share_redirect(request, code: str):
    """/s/<code>: count the click (once per visitor per day), keep the referral in the session and
    send the visitor to the campaign."""
    share_link = selectors.share_link_get_by_code(code=code)
    if share_link is None:
        raise Http404("This link does not lead anywhere any more.")
    if not services.is_link_preview_bot(request.META.get("HTTP_USER_AGENT", "")):
        services.share_click_record(
            share_link=share_link,
            channel=request.GET.get("via", ""),
            visitor=_visitor(request),
            session=request.session,
        )
    return redirect(share_link.campaign.get_absolute_url())


@xframe_options_exempt
@require_GET
def campaign_embed(request, slug: str):
    campaign = _public_or_404(slug)
    share_link = services.share_link_get_or_create(campaign=campaign, user=None)
    target = request.build_absolute_uri(share_link.get_absolute_url()) + "?via=embed"
    response = render(request, "campaigns/embed.html", {"campaign": campaign, "target_url": target})
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def campaign_qr(request, slug: str):
    campaign = _public_or_404(slug)
    share_link = services.share_link_get_or_create(campaign=campaign, user=None)
    url = request.build_absolute_uri(share_link.get_absolute_url()) + "?via=qr"
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False, title=f"QR code for {campaign.title}"
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-qr.svg"'
    return response
