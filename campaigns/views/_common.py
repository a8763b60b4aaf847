"""What several campaign view modules share: the 404-ing lookups and the campaign page's context
(re-rendered with a bound form by the sign, comment and update views)."""

from django.http import Http404
from django.urls import reverse

from campaigns import content_selectors, policies, selectors
from campaigns.forms import CommentForm, SignatureForm, UpdateForm
from campaigns.hooks import campaign_page_sections
from campaigns.models import COMMENT_EDIT_WINDOW, Campaign
from campaigns.services.sharing import share_link_get_or_create

GUEST_SIGNATURES_SESSION_KEY = "campaign_guest_signatures"


def public_or_404(slug: str) -> Campaign:
    campaign = selectors.campaign_get_public(slug=slug)
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


def managed_or_404(request, slug: str) -> Campaign:
    campaign = selectors.campaign_get_for_manager(slug=slug, user=request.user)
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


def _card_url(request, campaign: Campaign, content) -> str:
    path = reverse("campaigns:card", kwargs={"slug": campaign.slug})
    return request.build_absolute_uri(f"{path}?lang={content.language}")


def detail_context(request, campaign: Campaign, *, preview: bool = False, **forms) -> dict:
    user = request.user
    page = selectors.campaign_page(campaign=campaign, viewer=user, comment_page=request.GET.get("comments") or 1)
    if page.my_signature is None and not user.is_authenticated:
        # A guest who signed from this browser sees their signature's state, not the form again.
        signature_id = request.session.get(GUEST_SIGNATURES_SESSION_KEY, {}).get(str(campaign.pk))
        if signature_id:
            page.my_signature = selectors.signature_get(signature_id=signature_id, campaign=campaign)
    # The version shown: ?lang= when it exists, else the visitor's language, else the original.
    content = content_selectors.campaign_content(campaign=campaign, requested=request.GET.get("lang", ""))
    canonical_url = request.build_absolute_uri(campaign.get_absolute_url())
    share_url = canonical_url
    if campaign.is_public and not preview:
        share_url = request.build_absolute_uri(
            share_link_get_or_create(
                campaign=campaign,
                user=user,
                referral_link_id=selectors.referral_share_link_id(session=request.session, campaign_id=campaign.pk),
            ).get_absolute_url()
        )
    return {
        "campaign": campaign,
        "content": content,
        "page": page,
        "preview": preview,
        "can_manage": policies.user_can_manage(user, campaign),
        "can_export_signatures": policies.can_export_signatures(user, campaign),
        "is_organizer": policies.is_organizer(user, campaign),
        "is_moderator": policies.user_is_moderator(user),
        "can_hide_comments": policies.user_can_hide_comments(user, campaign),
        "sections": campaign_page_sections.sections(campaign=campaign, viewer=user),
        "canonical_url": canonical_url,
        "share_url": share_url,
        "cover_url": request.build_absolute_uri(campaign.cover.url) if campaign.cover else "",
        # Without a cover, a drawn card in the shown language (campaigns.views.sharing.campaign_card).
        "card_url": _card_url(request, campaign, content) if campaign.is_public and not campaign.cover else "",
        "signature_form": forms.get("signature_form") or SignatureForm(user=user),
        # An anonymous visitor's sign form (and its CSRF token) is loaded on its own, so the page
        # itself is the same for every visitor and cacheable (causeweb/core/page_cache.py); a
        # form re-rendered with its errors is shown inline.
        "defer_sign_form": not user.is_authenticated and "signature_form" not in forms,
        "comment_form": forms.get("comment_form") or CommentForm(),
        "update_form": forms.get("update_form") or UpdateForm(),
        "edit_window_minutes": int(COMMENT_EDIT_WINDOW.total_seconds() // 60),
    }
