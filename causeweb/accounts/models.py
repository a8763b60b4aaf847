import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower, Replace
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

TIMEZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must be staff and superuser.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person on Causeweb. Signs in with an email address; `display_name` is what others see."""

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(blank=True, max_length=1000)
    location = models.CharField(max_length=120, blank=True)
    show_as_advocate = models.BooleanField(
        default=False,
        help_text=_("Show my name to organizers in the top advocates of campaigns I share (else: anonymous)."),
    )
    # The public profile (/people/<handle>/, what an @mention links to) is always reachable for an
    # active person with a display name; this only lets search engines list it (else "noindex").
    show_profile = models.BooleanField(
        default=False,
        help_text=_("Let search engines list my public profile page (my name, campaigns I started, public groups)."),
    )
    timezone = models.CharField(max_length=64, choices=TIMEZONE_CHOICES, blank=True)
    # The language chosen in the header (or on the profile): pages after sign-in and every email
    # to this person use it; blank = the browser's (docs/i18n.md).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(
        default=True, help_text=_("Unticked for suspended people: they cannot sign in or post.")
    )
    date_joined = models.DateTimeField(default=django_timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]
        # The @mention handle (causeweb.core.mentions.handle_expression, the same expression):
        # linking a mention and opening /people/<handle>/ look a handle up without a scan.
        indexes = [models.Index(Replace(Lower("display_name"), Value(" "), Value("")), name="accounts_user_handle")]

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]

    def get_full_name(self):
        return self.public_name

    def get_short_name(self):
        return self.public_name


class ApiToken(models.Model):
    """A personal API token (Authorization: Bearer <token>). Only the sha256 of the secret is kept,
    plus its first characters in clear so the owner can tell tokens apart; the secret itself is
    shown once, when it is created (causeweb.accounts.services.api_token_create)."""

    class Scope(models.TextChoices):
        READ = "read", _("Read: look things up (GET only)")
        WRITE = "write", _("Write: read, and act as you (sign, comment, RSVP...)")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, help_text=_("The secret's first characters, for display."))
    key_hash = models.CharField(max_length=64, unique=True, help_text=_("sha256 of the secret, hex."))
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    created = models.DateTimeField(default=django_timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="accounts_apitoken_user_active")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=["read", "write"]), name="accounts_apitoken_scope_valid"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
