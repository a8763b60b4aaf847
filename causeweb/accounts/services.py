from django.db import transaction

from causeweb.accounts.models import User


@transaction.atomic
def user_update_profile(*, user: User, display_name: str, bio: str, location: str, timezone: str) -> User:
    user.display_name = display_name.strip()
    user.bio = bio.strip()
    user.location = location.strip()
    user.timezone = timezone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "bio", "location", "timezone"])
    return user


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
