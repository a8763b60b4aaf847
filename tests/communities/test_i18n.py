"""The group pages in Spanish and Arabic (issue 19): translated text, plurals, dates in the
visitor's locale, a service's error in the visitor's language and a notification in its
recipient's. English stays the source: the rest of the suite asserts it."""

from datetime import datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real

from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from communities.models import Group, JoinRequest, Membership
from communities.services import membership as membership_services
from tests.communities.factories import GroupFactory, add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, scope="module")
def compiled_catalogues():
    """The .mo files are built, not committed: compile this app's catalogues when missing or older
    than their .po, and drop Django's cached translations so they are read afresh."""
    for po_path in (Path(settings.BASE_DIR) / "communities" / "locale").rglob("*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    trans_real._translations = {}
    trans_real._default = None
    yield


def test_group_list_in_spanish_and_arabic(client, owner):
    GroupFactory(owner=owner, name="Vecinos por el aire limpio")
    spanish = client.get(reverse("communities:list"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<h1>Grupos</h1>" in spanish and "Crear un grupo" in spanish
    assert "1 miembro" in spanish and "Start a group" not in spanish
    arabic = client.get(reverse("communities:list"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "<h1>المجموعات</h1>" in arabic and "أنشئ مجموعة" in arabic
    assert 'dir="rtl"' in arabic
    english = client.get(reverse("communities:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Groups</h1>" in english and "1 member" in english


def test_plural_forms_follow_the_language(client, owner):
    group = GroupFactory(owner=owner)
    for _ in range(2):
        add_member(group, UserFactory())
    group.refresh_from_db()
    assert group.member_count == 3
    spanish = client.get(group.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "3 miembros" in spanish and "Conversaciones recientes" in spanish
    arabic = client.get(group.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "3 أعضاء" in arabic  # Arabic's "few" form (3 to 10)


def test_join_dates_are_written_in_the_visitors_locale(client, owner):
    group = GroupFactory(owner=owner)
    Membership.objects.filter(group=group, user=owner).update(
        joined_at=datetime(2026, 3, 9, 12, 0, tzinfo=timezone.get_current_timezone())
    )
    client.force_login(owner)
    members = reverse("communities:members", kwargs={"slug": group.slug})
    assert "9 de marzo de 2026" in client.get(members, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "مارس" in client.get(members, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "March 9, 2026" in client.get(members, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_services_error_reaches_the_form_in_spanish(client, owner):
    group = GroupFactory(owner=owner, code_of_conduct="Be **kind**.")
    client.force_login(UserFactory())
    response = client.post(reverse("communities:join", kwargs={"slug": group.slug}), {}, HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert "Lee y acepta el código de conducta del grupo." in html
    assert "Please read and accept" not in html


def test_a_decision_is_told_in_the_requesters_language(owner):
    group = GroupFactory(owner=owner, visibility=Group.Visibility.REQUEST)
    requester = UserFactory(language="es")
    join_request = membership_services.join_request_create(user=requester, group=group, message="")
    with translation.override("en"):  # the moderator reads English; the requester chose Spanish
        membership_services.join_request_approve(actor=owner, join_request=join_request)
    assert JoinRequest.objects.get(pk=join_request.pk).status == JoinRequest.Status.APPROVED
    told = Notification.objects.get(recipient=requester, kind=Kind.JOIN_REQUEST_DECIDED)
    assert told.title == f"¡Te damos la bienvenida a {group.name}!"
    asked = Notification.objects.get(recipient=owner, kind=Kind.JOIN_REQUEST)
    assert asked.title.endswith(f"asks to join {group.name}")  # the owner chose no language: English
