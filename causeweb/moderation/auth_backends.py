"""An authentication backend that never signs anyone in itself: listed before Django's and
allauth's, it ends a suspension whose period has passed when its person signs in with the right
password, so they get in at once rather than when the beat task next runs
(`end_expired_suspensions`, every 5 minutes). The backends after it then find an active account
and sign them in; the person is told (the "You can sign in again" notice, and a message on the
page). A running or permanent suspension is left alone, and allauth and the admin go on to
show why the person cannot sign in."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.moderation.models import Suspension
from causeweb.moderation.services import user_end_expired_suspensions


class SuspensionEndedBackend:
    """Deliberately no `get_user` (nor BaseBackend's, which answers None): a session is never
    bound to this backend, and `Client.force_login`, which picks the first backend with a
    `get_user`, skips it."""

    def authenticate(self, request, username=None, password=None, email=None, **credentials):
        address = email or username
        if not address or not password:
            return None
        user = get_user_model().objects.filter(email__iexact=address, is_active=False).first()
        if user is None or not self._has_expired_suspension(user) or not user.check_password(password):
            return None
        if user_end_expired_suspensions(user_id=user.pk) and request is not None and hasattr(request, "_messages"):
            messages.success(request, gettext("Your suspension has ended. Welcome back."))
        return None  # the next backend signs them in, now that the account is active again

    @staticmethod
    def _has_expired_suspension(user) -> bool:
        return Suspension.objects.filter(user=user, lifted_at__isnull=True, ends_at__lte=timezone.now()).exists()
