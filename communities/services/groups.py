"""Starting a group and changing its settings (owners)."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core.exceptions import ValidationError
from causeweb.core.images import ImageRules, validate_image, web_version
from causeweb.core.markdown import render_markdown
from causeweb.core.slugs import unique_slug
from communities.models import Group, Membership
from communities.services._common import add_member, clean_text, lock_group, require_owner, require_user

AVATAR_RULES = ImageRules(max_bytes=5 * 1024 * 1024, min_width=64, min_height=64)
AVATAR_SIZE = 400
# Would shadow /groups/new/ and /groups/invite/<token>/.
RESERVED_SLUGS = {"new", "invite"}
SLUG_BASE_LENGTH = 80


def _group_slug(name: str) -> str:
    return unique_slug(
        name,
        queryset=Group.objects.all(),
        max_length=SLUG_BASE_LENGTH + 7,  # the base keeps up to 80 characters; a clash adds "-" + 6 hex
        fallback="group",
        reserved=RESERVED_SLUGS,
    )


def _coordinates(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise ValidationError({"latitude": gettext("Give both latitude and longitude, or neither.")})
    try:
        lat, lng = (
            Decimal(str(latitude)).quantize(Decimal("0.000001")),
            Decimal(str(longitude)).quantize(Decimal("0.000001")),
        )
    except ArithmeticError:
        raise ValidationError({"latitude": gettext("Coordinates must be numbers.")})
    if not (-90 <= lat <= 90):
        raise ValidationError({"latitude": gettext("Latitude is between -90 and 90.")})
    if not (-180 <= lng <= 180):
        raise ValidationError({"longitude": gettext("Longitude is between -180 and 180.")})
    return lat, lng


def _set_avatar(group: Group, avatar) -> None:
    try:
        validate_image(avatar, AVATAR_RULES)
    except ValidationError as exc:
        raise ValidationError({"avatar": exc.messages})
    resized = web_version(avatar, max_width=AVATAR_SIZE, max_height=AVATAR_SIZE, crop_square=True)
    group.avatar.save(f"{group.slug}.jpg", resized, save=False)


@transaction.atomic
def group_create(
    *,
    creator,
    name: str,
    description: str = "",
    visibility: str = Group.Visibility.PUBLIC,
    cause=None,
    location: str = "",
    latitude=None,
    longitude=None,
    code_of_conduct: str = "",
    avatar=None,
) -> Group:
    """Anyone signed in starts a group and becomes its owner."""
    require_user(creator)
    name = clean_text(name, field="name", label=gettext("The name"), max_length=80)
    if visibility not in Group.Visibility.values:
        raise ValidationError({"visibility": gettext("Choose who can join.")})
    description = clean_text(
        description, field="description", label=gettext("The description"), max_length=10_000, required=False
    )
    code_of_conduct = clean_text(
        code_of_conduct,
        field="code_of_conduct",
        label=gettext("The code of conduct"),
        max_length=10_000,
        required=False,
    )
    lat, lng = _coordinates(latitude, longitude)
    group = Group(
        name=name,
        slug=_group_slug(name),
        description=description,
        description_html=render_markdown(description),
        visibility=visibility,
        cause=cause,
        location=clean_text(location, field="location", label=gettext("The location"), max_length=120, required=False),
        latitude=lat,
        longitude=lng,
        code_of_conduct=code_of_conduct,
        code_of_conduct_html=render_markdown(code_of_conduct),
        created_by=creator,
    )
    if avatar:
        _set_avatar(group, avatar)
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:  # a concurrent group took the same slug
        group.slug = f"{group.slug}-{timezone.now().strftime('%H%M%S%f')}"
        group.save()
    add_member(group, creator, role=Membership.Role.OWNER, accepted_at=timezone.now())
    group.refresh_from_db()
    return group


@transaction.atomic
def group_update(
    *,
    actor,
    group: Group,
    name: str,
    description: str,
    visibility: str,
    cause=None,
    location: str = "",
    latitude=None,
    longitude=None,
    code_of_conduct: str = "",
    avatar=None,
) -> Group:
    """Owners change the group's settings."""
    require_owner(group, actor)
    group = lock_group(group)
    group.name = clean_text(name, field="name", label=gettext("The name"), max_length=80)
    if visibility not in Group.Visibility.values:
        raise ValidationError({"visibility": gettext("Choose who can join.")})
    group.visibility = visibility
    group.description = clean_text(
        description, field="description", label=gettext("The description"), max_length=10_000, required=False
    )
    group.description_html = render_markdown(group.description)
    group.code_of_conduct = clean_text(
        code_of_conduct,
        field="code_of_conduct",
        label=gettext("The code of conduct"),
        max_length=10_000,
        required=False,
    )
    group.code_of_conduct_html = render_markdown(group.code_of_conduct)
    group.cause = cause
    group.location = clean_text(
        location, field="location", label=gettext("The location"), max_length=120, required=False
    )
    group.latitude, group.longitude = _coordinates(latitude, longitude)
    if avatar:
        _set_avatar(group, avatar)
    group.save()
    return group
