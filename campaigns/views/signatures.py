"""Signing a petition, and a guest confirming their signature from the emailed link."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from campaigns import selectors
from campaigns.forms import SignatureForm
from campaigns.services import signatures
from campaigns.views._common import GUEST_SIGNATURES_SESSION_KEY, detail_context, public_or_404
from causeweb.core import ratelimits
from causeweb.core.boundary import form_errors
from causeweb.core.exceptions import Conflict, RateLimited, ValidationError

# These pages redirect to the share box (#share); a message with this tag is shown in it, where the
# person is looking, instead of at the top of the page they were scrolled past.
AT_SHARE = "at-share"


@require_http_methods(["GET", "HEAD", "POST"])
def sign(request, slug: str):
    campaign = public_or_404(slug)
    if request.method in ("GET", "HEAD"):
        return redirect(f"{campaign.get_absolute_url()}#sign")
    form = SignatureForm(request.POST, user=request.user)
    if not request.user.is_authenticated:
        try:
            ratelimits.enforce_ip(
                "signature_guest_ip",
                request,
                message="Too many signatures from your connection in the last hour; please try again later.",
                scope=ratelimits.scope_for(campaign),
            )
        except RateLimited as exc:
            messages.error(request, exc.message)
            return redirect(f"{campaign.get_absolute_url()}#sign")
    if form.is_valid():
        with form_errors(form) as call:
            try:
                signature = signatures.signature_create(
                    campaign=campaign,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data.get("email", ""),
                    comment=form.cleaned_data.get("comment", ""),
                    is_public=form.cleaned_data.get("is_public", False),
                    keep_updated=form.cleaned_data.get("keep_updated", False),
                    share_link_id=selectors.referral_share_link_id(session=request.session, campaign_id=campaign.pk),
                )
            except Conflict as exc:  # already signed: a note, not a form error
                messages.info(request, exc.message)
                return redirect(f"{campaign.get_absolute_url()}#sign")
        if call.ok:
            if not request.user.is_authenticated:
                signed = dict(request.session.get(GUEST_SIGNATURES_SESSION_KEY, {}))
                signed[str(campaign.pk)] = signature.pk
                request.session[GUEST_SIGNATURES_SESSION_KEY] = signed
            if signature.is_confirmed:
                messages.success(
                    request, gettext("Thank you — your name is on the petition. Now pass it on!"), extra_tags=AT_SHARE
                )
            else:
                messages.success(
                    request,
                    gettext("Almost done: we sent a link to %(email)s. Your signature counts once you confirm.")
                    % {"email": signature.email},
                    extra_tags=AT_SHARE,
                )
            return redirect(f"{campaign.get_absolute_url()}#share")
    return render(request, "campaigns/detail.html", detail_context(request, campaign, signature_form=form), status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def signature_confirm(request, token: str):
    """GET shows a button (mail scanners prefetch links); POST confirms."""
    try:
        signature = signatures.signature_from_token(token=token)
    except ValidationError as exc:
        return render(request, "campaigns/signature_confirm.html", {"error": exc.messages[0]}, status=400)
    if request.method == "POST":
        try:
            signature = signatures.signature_confirm(token=token)
        except ValidationError as exc:
            return render(
                request,
                "campaigns/signature_confirm.html",
                {"error": exc.messages[0], "signature": signature},
                status=400,
            )
        messages.success(request, gettext("Confirmed — your signature now counts. Thank you!"), extra_tags=AT_SHARE)
        return redirect(f"{signature.campaign.get_absolute_url()}#share")
    return render(request, "campaigns/signature_confirm.html", {"signature": signature, "token": token})
