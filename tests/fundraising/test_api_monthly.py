"""/api/v1/monthly-gifts/: the donor lists, changes and cancels their own monthly gifts through
the plan page's services; nobody else sees or touches them."""

import pytest
from rest_framework.test import APIClient

from fundraising.models import MonthlyPlan
from tests.fundraising.factories import UserFactory
from tests.fundraising.test_monthly_views import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_signed_out_is_401(api):
    assert api.get("/api/v1/monthly-gifts/").status_code == 401


def test_the_donor_lists_their_own_gifts_only(api, django_assert_max_num_queries):
    donor = UserFactory()
    plans = [make_plan(donor=donor) for _ in range(3)]
    make_plan(donor=UserFactory())  # someone else's
    setting_up = make_plan(donor=donor, state=MonthlyPlan.State.SETTING_UP)
    api.force_authenticate(donor)
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/monthly-gifts/")
    assert response.status_code == 200
    listed = [row["id"] for row in response.json()["results"]]
    assert listed == [str(p.public_id) for p in reversed(plans)]  # newest first
    assert str(setting_up.public_id) not in listed
    row = response.json()["results"][0]
    assert row["amount_minor"] == 1000 and row["state"] == "active" and row["next_charge"].startswith("next on")
    detail = api.get(f"/api/v1/monthly-gifts/{plans[0].public_id}/").json()
    assert [(c["period"], c["attempts"], c["amount_minor"]) for c in detail["charges"]] == [("2027-01", 1, 1000)]


def test_change_the_amount(api):
    donor = UserFactory()
    plan = make_plan(donor=donor)
    api.force_authenticate(donor)
    response = api.patch(f"/api/v1/monthly-gifts/{plan.public_id}/", {"amount_minor": 2500}, format="json")
    assert response.status_code == 200 and response.json()["amount_minor"] == 2500
    plan.refresh_from_db()
    assert plan.amount_minor == 2500


def test_bad_amounts_are_400_with_a_message(api):
    donor = UserFactory()
    plan = make_plan(donor=donor)
    api.force_authenticate(donor)
    url = f"/api/v1/monthly-gifts/{plan.public_id}/"
    for body in ({"amount_minor": 5}, {"amount_minor": "x"}, {}, {"amount_minor": 10**30}):
        response = api.patch(url, body, format="json")
        assert response.status_code == 400, body
        assert response.json()["errors"]["amount_minor"], body
    plan.refresh_from_db()
    assert plan.amount_minor == 1000


def test_cancel_is_idempotent_and_a_cancelled_gift_cannot_change(api):
    donor = UserFactory()
    plan = make_plan(donor=donor)
    api.force_authenticate(donor)
    first = api.post(f"/api/v1/monthly-gifts/{plan.public_id}/cancel/")
    assert first.status_code == 200 and first.json()["state"] == "cancelled"
    again = api.post(f"/api/v1/monthly-gifts/{plan.public_id}/cancel/")
    assert again.status_code == 200 and again.json()["cancelled_at"] == first.json()["cancelled_at"]
    change = api.patch(f"/api/v1/monthly-gifts/{plan.public_id}/", {"amount_minor": 2500}, format="json")
    assert change.status_code == 409 and change.json()["code"] == "plan_cancelled"


def test_someone_elses_gift_is_a_404_and_unchanged(api):
    plan = make_plan(donor=UserFactory())
    api.force_authenticate(UserFactory())
    url = f"/api/v1/monthly-gifts/{plan.public_id}/"
    assert api.get(url).status_code == 404
    assert api.patch(url, {"amount_minor": 2500}, format="json").status_code == 404
    assert api.post(f"{url}cancel/").status_code == 404
    assert api.get("/api/v1/monthly-gifts/not-a-uuid/").status_code == 404
    plan.refresh_from_db()
    assert (plan.state, plan.amount_minor) == (MonthlyPlan.State.ACTIVE, 1000)


def test_a_read_token_cannot_cancel(api):
    from causeweb.accounts.services import api_token_create

    donor = UserFactory()
    plan = make_plan(donor=donor)
    _token, secret = api_token_create(user=donor, name="read", scope="read")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/monthly-gifts/").status_code == 200
    assert api.post(f"/api/v1/monthly-gifts/{plan.public_id}/cancel/").status_code == 403
    plan.refresh_from_db()
    assert plan.state == MonthlyPlan.State.ACTIVE
