"""The platform's shared boundary helpers: service-error guards, safe CSV, unique slugs."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from campaigns.models import Campaign
from causeweb.core.boundary import flash_errors, form_errors
from causeweb.core.csv_export import csv_safe, csv_stream_response
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.core.slugs import unique_slug
from tests.factories import CampaignFactory


class TitleForm(forms.Form):
    title = forms.CharField()


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _texts(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_form_errors_puts_a_field_error_on_its_field():
    form = TitleForm({"title": "x"})
    assert form.is_valid()
    with form_errors(form) as call:
        raise ValidationError({"title": "Too short."})
    assert not call.ok
    assert form.errors == {"title": ["Too short."]}


def test_form_errors_puts_a_conflict_on_the_form():
    form = TitleForm({"title": "x"})
    form.is_valid()
    with form_errors(form) as call:
        raise Conflict("Already signed.")
    assert isinstance(call.error, Conflict)
    assert form.non_field_errors() == ["Already signed."]


def test_form_errors_lets_a_bug_through():
    form = TitleForm({"title": "x"})
    form.is_valid()
    with pytest.raises(KeyError), form_errors(form):
        raise KeyError("bug")


def test_flash_errors_success_and_failure():
    request = _request()
    with flash_errors(request, success="Saved.") as call:
        pass
    assert call.ok
    with flash_errors(request, success="Saved.") as call:
        raise PermissionDenied("Only the organizer can do that.")
    assert not call.ok
    assert _texts(request) == [("success", "Saved."), ("error", "Only the organizer can do that.")]


def test_flash_errors_prefix_and_extra_error_types():
    class GatewayDown(Exception):
        pass

    request = _request()
    with flash_errors(request, prefix="Donation 7", also=(GatewayDown,)):
        raise GatewayDown("Stripe is unreachable.")
    assert _texts(request) == [("error", "Donation 7: Stripe is unreachable.")]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@a", "'@a"),
        ("ok", "ok"),
        (None, ""),
        (5, "5"),
    ],
)
def test_csv_safe(value, cell):
    assert csv_safe(value) == cell


def test_csv_stream_response_streams_guarded_rows():
    response = csv_stream_response(filename='x"y.csv', header=["name", "n"], rows=iter([["=cmd", 1], ["Ana", 2]]))
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="xy.csv"'
    assert b"".join(response.streaming_content).decode() == "name,n\r\n'=cmd,1\r\nAna,2\r\n"


@pytest.mark.django_db
def test_unique_slug_rules():
    existing = CampaignFactory(slug="bike-lanes")
    queryset = Campaign.objects.all()
    assert unique_slug("Parks!", queryset=queryset, max_length=60, fallback="campaign") == "parks"
    clash = unique_slug("Bike lanes", queryset=queryset, max_length=60, fallback="campaign")
    assert clash.startswith("bike-lanes-") and len(clash) == len("bike-lanes-") + 6
    assert unique_slug("Bike lanes", queryset=queryset, max_length=60, fallback="c", exclude_pk=existing.pk) == (
        "bike-lanes"
    )
    assert unique_slug("new", queryset=queryset, max_length=60, fallback="c", reserved={"new"}).startswith("new-")
    assert unique_slug("!!!", queryset=queryset, max_length=60, fallback="campaign") == "campaign"
    long = unique_slug("a" * 300, queryset=queryset, max_length=60, fallback="c", always_suffix=True)
    assert len(long) <= 60 and long.startswith("a" * 53 + "-")


def test_hook_calls_providers_in_order_and_skips_none():
    from causeweb.core.hooks import Hook, PageSection

    hook = Hook("test")
    hook.register("late", lambda *, n: PageSection("late.html", {"n": n}), order=20)
    hook.register("early", lambda *, n: PageSection("early.html", slot="aside"), order=10)
    hook.register("silent", lambda *, n: None, order=15)
    assert [s.template for s in hook.sections(n=3)] == ["early.html", "late.html"]
    assert hook.sections(n=3)[1].context == {"n": 3}
    hook.register("late", lambda *, n: PageSection("again.html"), order=20)  # replaced, not doubled
    assert [s.template for s in hook.sections(n=1)] == ["early.html", "again.html"]


def test_hook_any():
    from causeweb.core.hooks import Hook

    locks = Hook("locks")
    assert locks.any(campaign_id=1) is False
    locks.register("donations", lambda *, campaign_id: campaign_id == 7)
    assert locks.any(campaign_id=7) is True
    assert locks.any(campaign_id=8) is False
