"""Every GET-able HTML page of the site, generated from the URL patterns, for the accessibility run
(tests/e2e/test_accessibility.py). A route is either in PAGES (a function of the world below that
gives the real path to open) or in SKIP (with the reason it has no HTML page to check). A new URL
pattern in neither fails `test_every_route_has_a_page_or_a_reasoned_skip`: add a fixture or a
reasoned skip, so no page escapes the check."""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

# Prefixes of whole URL trees that are not ours to render as pages.
SKIP_TREES = {
    "admin/": "Django's admin: the moderators' pages are checked from admin_pages() (changelists and change forms)",
    "api/": "the JSON API and its schema (api/docs and api/redoc render third-party Swagger/ReDoc shells)",
    "media/": "uploaded files served in development",
}

# Route name -> (kind, reason). kind: "post" (POST-only: GET is 405), "data" (not HTML: JSON,
# CSV, iCalendar, images, fragments), "redirect" (answers GET with a redirect to a checked page).
SKIP: dict[str, tuple[str, str]] = {
    "healthz": ("data", "load-balancer probe, plain text"),
    "readyz": ("data", "load-balancer probe, plain text"),
    "stripe_webhook": ("post", "Stripe's webhook"),
    "account_confirm_login_code": ("redirect", "login by code is off: redirects to the login page"),
    "account_request_reauthentication_code": ("redirect", "login by code is off: redirects"),
    "account_confirm_reauthentication_code": ("redirect", "login by code is off: redirects"),
    "account_set_password": ("redirect", "for someone with a password: redirects to the checked change-password page"),
    "account_reset_password_from_key": ("redirect", "a one-time key: allauth redirects to its key-less URL"),
    "accounts:api_token_rename": ("post", "token rename form target"),
    "accounts:api_token_revoke": ("post", "token revoke form target"),
    "notifications:badge": ("data", "htmx fragment: the bell's count, inside every checked page"),
    "notifications:open": ("redirect", "marks read and redirects to the notification's target"),
    "notifications:mark_read": ("post", "htmx action"),
    "notifications:mark_all_read": ("post", "form target"),
    "campaigns:submit": ("post", "organizer action"),
    "campaigns:close": ("post", "organizer action"),
    "campaigns:webhook_disable": ("post", "organizer action"),
    "campaigns:sign": ("redirect", "the sign form's target (the form is checked on the campaign page)"),
    "campaigns:sign_form": ("data", "htmx fragment of the campaign page's sign form"),
    "campaigns:counter": ("data", "htmx fragment: the live signature count"),
    "campaigns:signatures_csv": ("data", "CSV export"),
    "campaigns:follow": ("post", "follow button target"),
    "campaigns:unfollow": ("post", "unfollow button target"),
    "campaigns:comment_create": ("redirect", "comment form target: GET redirects to the campaign page"),
    "campaigns:mention_suggestions": ("data", "JSON for the @mention autocomplete"),
    "campaigns:comment_delete": ("post", "comment action"),
    "campaigns:comment_hide": ("post", "moderator action"),
    "campaigns:comment_react": ("post", "reaction button target (the buttons are checked on the campaign page)"),
    "campaigns:translation_delete": ("post", "organizer action"),
    "campaigns:card": ("data", "PNG preview image"),
    "fundraising:javascript_catalog": ("data", "JavaScript translation catalogue"),
    "javascript-catalog": ("data", "JavaScript translation catalogue"),
    "set_language": ("post", "the header's language switcher target"),
    "campaigns:message_open": ("redirect", "counts the reader and redirects to the campaign"),
    "campaigns:petition_file": ("data", "CSV of the petition"),
    "campaigns:petition_pdf": ("data", "PDF of the petition"),
    "campaigns:petition_deliver": ("post", "organizer action"),
    "campaigns:decision_maker_remove": ("post", "organizer action"),
    "campaigns:qr": ("data", "SVG QR code"),
    "share_redirect": ("redirect", "tracked share link: redirects to its target"),
    "fundraising:monthly_plan_cancel": ("post", "plan action"),
    "fundraising:monthly_plan_card_start": ("post", "starts a Stripe SetupIntent (JSON)"),
    "fundraising:monthly_plan_card_finish": ("redirect", "Stripe's return URL: redirects to the plan"),
    "fundraising:pledge_confirm": ("redirect", "email link: confirms and redirects to the pledge"),
    "fundraising:pledge_cancel": ("post", "pledge action"),
    "fundraising:pledge_pay_now": ("post", "JSON for donate.js"),
    "fundraising:pledge_pay_card": ("post", "JSON for donate.js"),
    "fundraising:pledge_pay_refresh": ("post", "JSON for donate.js"),
    "fundraising:pledge_start": ("post", "JSON for donate.js"),
    "fundraising:start": ("post", "JSON for donate.js"),
    "fundraising:campaign_donations_csv": ("data", "CSV export"),
    "fundraising:charge": ("post", "JSON for donate.js"),
    "fundraising:refresh": ("post", "JSON for donate.js"),
    "fundraising:setup_failed": ("post", "JSON for donate.js"),
    "events:places": ("data", "JSON for the place autocomplete"),
    "events:calendar_feed": ("data", "iCalendar feed"),
    "events:rsvp_confirm": ("redirect", "email link: confirms and redirects to the RSVP"),
    "events:rsvp_qr": ("data", "SVG QR code"),
    "events:rsvp": ("post", "the RSVP form's target (the form is checked on the event page)"),
    "events:rsvp_form": ("data", "htmx fragment of the event page's RSVP form"),
    "events:ics": ("data", "iCalendar file"),
    "events:card": ("data", "PNG share card"),
    "events:qr": ("data", "SVG QR code"),
    "events:attendees_csv": ("data", "CSV export"),
    "events:check_in_count": ("data", "htmx fragment: the live check-in count"),
    "events:walk_in": ("post", "host action"),
    "communities:post": ("redirect", "a post's lasting address: redirects to the checked thread page it is on"),
    "communities:card": ("data", "PNG share card"),
    "communities:qr": ("data", "SVG QR code"),
    "communities:leave": ("post", "member action"),
    "communities:withdraw": ("post", "member action"),
    "communities:member_role": ("post", "moderator action"),
    "communities:member_remove": ("post", "moderator action"),
    "communities:member_unban": ("post", "moderator action"),
    "communities:request_decide": ("post", "moderator action"),
    "communities:invitation_revoke": ("post", "moderator action"),
    "communities:campaign_remove": ("post", "moderator action"),
    "communities:mention_suggestions": ("data", "JSON for the @mention autocomplete"),
    "communities:reply": ("post", "reply form target (the form is checked on the thread page)"),
    "communities:thread_moderate": ("post", "moderator action"),
    "communities:post_delete": ("post", "author action"),
    "communities:post_hide": ("post", "moderator action"),
    "communities:post_react": ("post", "htmx action"),
    "accounts:api_token_create": ("post", "form target (its form is on a checked page)"),
    "moderation:flag": ("post", "form target (its form is on a checked page)"),
    "campaigns:update_create": ("post", "form target (its form is on a checked page)"),
    "campaigns:petition_response": ("post", "form target (its form is on a checked page)"),
    "fundraising:monthly_plan_change": ("post", "form target (its form is on a checked page)"),
    "fundraising:pledge_change": ("post", "form target (its form is on a checked page)"),
    "events:campaign_hosting": ("post", "form target (its form is on a checked page)"),
    "events:campaign_review": ("post", "form target (its form is on a checked page)"),
    "communities:member_ban": ("post", "form target (its form is on a checked page)"),
    "communities:campaign_add": ("post", "form target (its form is on a checked page)"),
    "insights:page_view": ("data", "1x1 GIF beacon"),
}


def route_names() -> list[tuple[str, str]]:
    """(name, pattern) of every URL pattern outside SKIP_TREES, walked from the root resolver."""

    def walk(resolver, prefix="", namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), namespace + str(entry.name)

    routes = []
    for pattern, name in walk(get_resolver()):
        if pattern.startswith(tuple(SKIP_TREES)):
            continue
        routes.append((name, pattern))
    return routes


@dataclass
class World:
    owner: object  # the organizer / host / group owner, staff and superuser: can see every page
    objects: SimpleNamespace


def build_world() -> World:
    """Real rows for every parameter a page takes, all owned by one person who can see them all."""
    from django.utils.text import slugify

    from campaigns.outreach_models import CampaignMessage, DecisionMaker, PetitionDelivery
    from campaigns.services.signatures import signature_confirm_token
    from campaigns.webhook_models import WebhookEndpoint
    from causeweb.moderation.appeal_links import appeal_token
    from causeweb.moderation.models import Flag, ModerationAction
    from causeweb.notifications.tokens import unsubscribe_token
    from communities.models import Invitation, Post
    from communities.services.discussions import thread_create
    from events.services.calendar import calendar_feed_get_or_create
    from events.services.links import rsvp_manage_token
    from fundraising import rules
    from fundraising.models import Donation, Pledge
    from fundraising.models.monthly import MonthlyPlan
    from fundraising.services import funding_model
    from tests.campaigns.factories import CommentFactory, SignatureFactory, UpdateFactory
    from tests.communities.factories import GroupFactory
    from tests.events.factories import EventFactory, RSVPFactory
    from tests.factories import UserFactory
    from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

    owner = UserFactory(email="owner@example.org", display_name="Olga Owner", is_staff=True, is_superuser=True)
    campaign = FundraisingCampaignFactory(organizer=owner, title="Clean air for Lisbon schools", goal_minor=500_000)
    campaign.slug = slugify(campaign.title)
    campaign.save()
    aon = FundraisingCampaignFactory(organizer=owner, title="Solar roof for the library", slug="solar-roof")
    funding_model.campaign_funding_model_set(campaign=aon, actor=owner, funding_model=rules.ALL_OR_NOTHING)
    signature = SignatureFactory(campaign=campaign)
    comment = CommentFactory(campaign=campaign, author=owner)
    update = UpdateFactory(campaign=campaign, author=owner, title="We met the council")
    event = EventFactory(host=owner, title="Clean air march", slug="clean-air-march", campaign=campaign)
    rsvp = RSVPFactory(event=event, name="Rui Resident", email="rui@example.org")
    group = GroupFactory(owner=owner, name="Neighbours for clean air", location="Lisbon")
    by_request = GroupFactory(name="Quiet streets circle", visibility="request", code_of_conduct="- Be kind")
    thread = thread_create(author=owner, group=group, title="First walk", body="Who is coming on Saturday?")
    post = Post.objects.filter(thread=thread).first()
    invitation = Invitation.objects.create(group=group, created_by=owner, expires_at=timezone.now() + timedelta(days=7))
    donation = DonationFactory(campaign=campaign, donor=owner, state=Donation.State.SUCCEEDED)
    pledge = Pledge.objects.create(
        campaign=aon, backer=owner, backer_name="Olga Owner", email=owner.email, amount_minor=5000,
        currency=aon.currency, state=Pledge.State.ACTIVE,
    )  # fmt: skip
    plan = MonthlyPlan.objects.create(
        campaign=campaign, donor=owner, donor_name="Olga Owner", email=owner.email, amount_minor=1000,
        currency=campaign.currency, anchor_day=5, next_period="2027-02",
        next_charge_at=timezone.now() + timedelta(days=30), first_donation=donation,
    )  # fmt: skip
    message = CampaignMessage.objects.create(
        campaign=campaign, author=owner, segment="all", segment_label="Everyone opted in",
        subject="We reached the council", body="Thank you all.",
    )  # fmt: skip
    decision_maker = DecisionMaker.objects.create(campaign=campaign, name="Mayor of Lisbon", role="Mayor")
    delivery = PetitionDelivery.objects.create(campaign=campaign, decision_maker=decision_maker, delivered_by=owner)
    endpoint = WebhookEndpoint.objects.create(
        campaign=campaign, url="https://partner.example.org/hook", event_types=["signature.created"], secret="s" * 40,
        created_by=owner,
    )  # fmt: skip
    flag = Flag.objects.create(target=comment, reporter=UserFactory(), reason="spam", note="Looks like an advert")
    decision = ModerationAction.objects.create(
        moderator=None, action="hide", target=comment, target_repr="a comment", subject=owner, rule="spam",
        reason="Advertising",
    )  # fmt: skip
    feed = calendar_feed_get_or_create(user=owner)
    objects = SimpleNamespace(
        campaign=campaign, aon=aon, signature=signature, comment=comment, update=update, event=event, rsvp=rsvp,
        group=group, by_request=by_request, thread=thread, post=post, invitation=invitation, donation=donation,
        pledge=pledge,
        plan=plan, message=message, decision_maker=decision_maker, delivery=delivery, endpoint=endpoint,
        flag=flag, decision=decision, feed=feed,
        signature_token=signature_confirm_token(signature),
        unsubscribe_token=unsubscribe_token(email=owner.email, kind="campaign_update", user_id=owner.pk),
        appeal_token=appeal_token(decision_id=decision.pk, user_id=owner.pk),
        rsvp_token=rsvp_manage_token(rsvp),
    )  # fmt: skip
    return World(owner=owner, objects=objects)


def _pages(o) -> dict[str, str]:
    c, e, g = o.campaign.slug, o.event.slug, o.group.slug
    return {
        "home": "/",
        "account_login": "/accounts/login/",
        "account_logout": "/accounts/logout/",  # the confirm page (signing out takes a POST)
        "account_inactive": "/accounts/inactive/",
        "account_signup": "/accounts/signup/",
        "account_reauthenticate": "/accounts/reauthenticate/",
        "account_email": "/accounts/email/",
        "account_email_verification_sent": "/accounts/confirm-email/",
        "account_change_password": "/accounts/password/change/",
        "account_reset_password": "/accounts/password/reset/",
        "account_confirm_email": "/accounts/confirm-email/not-a-key/",  # allauth's "link expired" page
        "account_reset_password_from_key_done": "/accounts/password/reset/key/done/",
        "account_reset_password_done": "/accounts/password/reset/done/",
        "accounts:profile": "/me/",
        "accounts:activity": "/me/activity/",
        "person_profile": "/people/OlgaOwner/",  # the owner's public profile (display name "Olga Owner")
        "notifications:list": "/notifications/",
        "notifications:preferences": "/notifications/preferences/",
        "notifications:unsubscribe": f"/notifications/unsubscribe/{o.unsubscribe_token}/",
        "moderation:transparency": "/moderation/",
        "moderation:appeal-signed-in": f"/moderation/decisions/{o.decision.pk}/appeal/",
        "moderation:appeal": f"/moderation/appeal/{o.appeal_token}/",
        "campaigns:list": "/campaigns/",
        "campaigns:create": "/campaigns/new/",
        "campaigns:mine": "/campaigns/mine/",
        "campaigns:signature_confirm": f"/campaigns/signatures/confirm/{o.signature_token}/",
        "campaigns:detail": f"/campaigns/{c}/",
        "campaigns:preview": f"/campaigns/{c}/preview/",
        "campaigns:edit": f"/campaigns/{c}/edit/",
        "campaigns:stats": f"/campaigns/{c}/stats/",
        "campaigns:webhooks": f"/campaigns/{c}/webhooks/",
        "campaigns:updates": f"/campaigns/{c}/news/",
        "campaigns:comment_edit": f"/campaigns/{c}/comments/{o.comment.pk}/edit/",
        "campaigns:comment_flag": f"/campaigns/{c}/comments/{o.comment.pk}/flag/",
        "campaigns:flag": f"/campaigns/{c}/report/",
        "campaigns:update_flag": f"/campaigns/{c}/updates/{o.update.pk}/report/",
        "campaigns:messages": f"/campaigns/{c}/messages/",
        "campaigns:translations": f"/campaigns/{c}/translations/",
        "campaigns:message_preview": f"/campaigns/{c}/messages/{o.message.pk}/",
        "campaigns:delivery": f"/campaigns/{c}/delivery/",
        "campaigns:embed": f"/campaigns/{c}/embed/",
        "fundraising:monthly_plan": f"/donate/m/{o.plan.public_id}/",
        "fundraising:my_pledges": "/donate/pledges/mine/",
        "fundraising:pledge": f"/donate/p/{o.pledge.public_id}/",
        "fundraising:pledge_pay": f"/donate/p/{o.pledge.public_id}/pay/",
        "fundraising:funding_settings": f"/donate/{c}/funding/",
        "fundraising:pledge_new": f"/donate/{o.aon.slug}/pledge/",
        "fundraising:campaign_pledges": f"/donate/{o.aon.slug}/pledges/",
        "fundraising:my_giving": "/donate/me/giving/",
        "fundraising:donate": f"/donate/{c}/",
        "fundraising:campaign_donations": f"/donate/{c}/donations/",
        "fundraising:thanks": f"/donate/d/{o.donation.public_id}/thanks/",
        "events:list": "/events/",
        "events:create": "/events/new/",
        "events:calendar": "/events/calendar/",
        "events:rsvp_manage": f"/events/rsvp/{o.rsvp_token}/",
        "events:detail": f"/events/{e}/",
        "events:embed": f"/events/{e}/embed/",
        "events:share_stats": f"/events/{e}/shares/",
        "events:edit": f"/events/{e}/edit/",
        "events:manage": f"/events/{e}/manage/",
        "events:cancel": f"/events/{e}/cancel/",
        "events:duplicate": f"/events/{e}/duplicate/",
        "events:rsvp_remove": f"/events/{e}/rsvps/{o.rsvp.pk}/remove/",
        "events:check_in": f"/events/{e}/check-in/",
        "communities:list": "/groups/",
        "communities:create": "/groups/new/",
        "communities:invitation": f"/groups/invite/{o.invitation.token}/",
        "communities:detail": f"/groups/{g}/",
        "communities:edit": f"/groups/{g}/edit/",
        "communities:embed": f"/groups/{g}/embed/",
        "communities:share_stats": f"/groups/{g}/shares/",
        "communities:join": f"/groups/{o.by_request.slug}/join/",
        "communities:members": f"/groups/{g}/members/",
        "communities:requests": f"/groups/{g}/requests/",
        "communities:invitations": f"/groups/{g}/invitations/",
        "communities:announce": f"/groups/{g}/announce/",
        "communities:flags": f"/groups/{g}/flags/",
        "communities:threads": f"/groups/{g}/threads/",
        "communities:thread_create": f"/groups/{g}/threads/new/",
        "communities:thread": f"/groups/{g}/threads/{o.thread.pk}/",
        "communities:post_edit": f"/groups/{g}/posts/{o.post.pk}/edit/",
        "insights:site": "/insights/",
        "insights:campaign": f"/insights/campaigns/{c}/",
    }


class _AnyObject:
    """Stands in for every object of the world, to read PAGES' names without a database."""

    pk = 1

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __str__(self):
        return "x"


PAGE_NAMES = set(_pages(_AnyObject()))


def pages(world: World) -> dict[str, str]:
    return _pages(world.objects)


def admin_pages(world: World) -> dict[str, str]:
    """The admin pages moderators use: the queue, flags and campaigns (changelist and change form)."""
    o = world.objects
    return {
        "admin:index": "/admin/",
        "admin:flag_queue": "/admin/moderation/flag/queue/",
        "admin:moderation_flag_changelist": "/admin/moderation/flag/",
        "admin:moderation_flag_change": f"/admin/moderation/flag/{o.flag.pk}/change/",
        "admin:campaigns_campaign_changelist": "/admin/campaigns/campaign/",
        "admin:campaigns_campaign_change": f"/admin/campaigns/campaign/{o.campaign.pk}/change/",
    }
