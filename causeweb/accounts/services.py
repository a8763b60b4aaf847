"""Account writes: the profile, personal API tokens (create, rename, revoke; all of a person's
end when they are suspended) and the users the seed and invitations create."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from causeweb.accounts import policies
from causeweb.accounts.models import ApiToken, User
from causeweb.accounts.selectors import api_token_hash, api_tokens_for
from causeweb.core import ratelimits
from causeweb.core.exceptions import PermissionDenied, ValidationError
from causeweb.core.validators import validate_no_bidi, validate_single_line

# A person's working tokens at once; more is a sign of a script minting tokens, not of integrations.
MAX_ACTIVE_API_TOKENS = 20
TOKEN_PREFIX = "cw_"
PREFIX_SHOWN = 10  # "cw_" and 7 characters of the secret
# last_used is written at most this often per token (not one UPDATE per API request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    display_name: str,
    bio: str,
    location: str,
    timezone: str,
    show_as_advocate: bool | None = None,
    language: str | None = None,
    show_profile: bool | None = None,
) -> User:
    """`show_as_advocate`: named in campaigns' "top advocates" (insights); None leaves it as it is.
    `show_profile`: search engines may list the public profile (else it says noindex); None leaves it.
    `language`: one of settings.LANGUAGES or blank (the browser's); None leaves it as it is."""
    user.display_name = display_name.strip()
    user.bio = bio.strip()
    user.location = location.strip()
    user.timezone = timezone
    if show_as_advocate is not None:
        user.show_as_advocate = bool(show_as_advocate)
    if language is not None:
        user.language = language
    if show_profile is not None:
        user.show_profile = bool(show_profile)
    user.full_clean(exclude=["password"])
    user.save(
        update_fields=["display_name", "bio", "location", "timezone", "show_as_advocate", "language", "show_profile"]
    )
    return user


def _supported_language(code: str | None) -> str:
    """`code` if it is one of settings.LANGUAGES, else blank."""
    return code if code in dict(settings.LANGUAGES) else ""


def user_set_language(*, user: User, language: str) -> bool:
    """Save the language chosen in the header's switcher (docs/i18n.md). A code outside
    settings.LANGUAGES is ignored. One UPDATE, no lock: the last choice wins. True when it changed."""
    language = _supported_language(language)
    if not language or user.language == language:
        return False
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return True


def user_adopt_language_on_sign_in(*, user: User, chosen: str | None) -> None:
    """At sign-in: a person who never chose a language keeps the one they chose as a visitor (the
    language cookie); one who did keeps theirs (applied by causeweb.core.middleware)."""
    if not user.language:
        user_set_language(user=user, language=chosen or "")


def user_get_or_create_demo_admin(*, email: str, password: str) -> tuple[User, bool]:
    """The demo seed's admin; idempotent, and verified so it can sign in on the site too."""
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_superuser(email=email, password=password, display_name="Demo Admin")
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user, created


def user_create_verified(*, email: str, password: str | None = None, display_name: str = "", **extra) -> User:
    """Create a user whose email is already verified (seed data, invitations by admins)."""
    from allauth.account.models import EmailAddress

    user, created = User.objects.get_or_create(email=email.lower(), defaults={"display_name": display_name, **extra})
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def _clean_token_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _('Name the token after what will use it ("My phone", "Partner site").')})
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationError({"name": _("Keep the name under 80 characters.")})
    try:
        validate_single_line(name)
        validate_no_bidi(name)
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from None
    return name


@transaction.atomic
def api_token_create(*, user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new personal token and its secret: the secret is returned this once and stored only as
    its sha256 (and its first characters, for display). Rate-limited per person
    (`api_token_create_user`); at most MAX_ACTIVE_API_TOKENS working tokens each. Locks the
    user's row so two concurrent creations cannot both pass the count."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Sign in to create an API token."))
    name = _clean_token_name(name)
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": _("Choose read or write.")})
    ratelimits.enforce_user(
        "api_token_create_user", user, message=_("You have created many tokens recently; please wait a while.")
    )
    User.objects.select_for_update().filter(pk=user.pk).first()
    if api_tokens_for(user=user).count() >= MAX_ACTIVE_API_TOKENS:
        raise ValidationError(
            ngettext(
                "You have %(count)s working token; revoke it first if you no longer use it.",
                "You have %(count)s working tokens; revoke one you no longer use first.",
                MAX_ACTIVE_API_TOKENS,
            )
            % {"count": MAX_ACTIVE_API_TOKENS}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, scope=scope, prefix=secret[:PREFIX_SHOWN], key_hash=api_token_hash(secret)
    )
    return token, secret


@transaction.atomic
def api_token_rename(*, token: ApiToken, actor: User, name: str) -> ApiToken:
    if not policies.can_manage_token(actor, token):
        raise PermissionDenied(_("That is not your token."))
    if token.revoked_at is not None:
        raise ValidationError(_("That token is revoked."))
    token.name = _clean_token_name(name)
    token.save(update_fields=["name"])
    return token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> bool:
    """The token stops working at once; False if it was already revoked."""
    if not policies.can_manage_token(actor, token):
        raise PermissionDenied(_("That is not your token."))
    now = django_timezone.now()
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if updated:
        token.revoked_at = now
    return bool(updated)


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Every working token of this person ends (on suspension: reinstating does not revive them)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=django_timezone.now())


def user_sessions_end(*, user_id: int) -> int:
    """Delete every unexpired session signed in as `user_id` (on suspension). Sessions are
    stored by key, not by person, so this reads them all; it runs in a task, after commit, and
    the person is already refused on their next request (is_active is off)."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=django_timezone.now()).iterator(chunk_size=2000):
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def api_token_record_use(*, token: ApiToken) -> None:
    """Note that the token was used, at most once per LAST_USED_RESOLUTION (one UPDATE, no lock)."""
    now = django_timezone.now()
    if token.last_used is not None and now - token.last_used < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used__isnull=True) | Q(last_used__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used=now)
    token.last_used = now
