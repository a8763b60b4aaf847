"""The announcement email's button opens the group's own page, not the list of groups."""

import pytest
from django.core import mail

from communities.services import announcements as announcement_services
from tests.communities.factories import add_member

pytestmark = pytest.mark.django_db


def test_the_announcement_email_links_to_the_group_page(
    public_group, owner, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://causeweb.example"
    member = add_member(public_group)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        announcement_services.announcement_create(
            actor=owner, group=public_group, subject="Meeting moved", body="Tuesday."
        )
    [email] = [m for m in mail.outbox if member.email in m.to]
    group_url = f"https://causeweb.example/groups/{public_group.slug}/"
    html = email.alternatives[0][0]
    assert f'href="{group_url}"' in html
    assert group_url in email.body
    assert 'href="https://causeweb.example/groups/"' not in html
