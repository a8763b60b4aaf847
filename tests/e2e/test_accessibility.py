"""axe-core (WCAG 2.1 A and AA rules) over every HTML page of the site, in Debian's Chromium against
the live server: signed out and signed in as the person who owns everything (organizer, host, group
owner, staff), at desktop (1280x800) and phone (390x844) width. No `serious` or `critical`
violation may remain. The page list comes from the URL patterns (tests/e2e/a11y_routes.py): a new
route without a fixture or a reasoned skip fails `test_every_route_has_a_page_or_a_reasoned_skip`.
See docs/accessibility.md."""

import json
import time
from collections import Counter

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.a11y_routes import PAGE_NAMES, SKIP, admin_pages, build_world, pages, route_names

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
BLOCKING = {"serious", "critical"}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}


def test_every_route_has_a_page_or_a_reasoned_skip():
    """A new URL pattern must be opened by the accessibility run or skipped with a reason."""
    routes = route_names()
    names = {name for name, _ in routes}
    missing = sorted(f"{name} ({pattern})" for name, pattern in routes if name not in PAGE_NAMES and name not in SKIP)
    assert not missing, f"add a fixture or a reasoned skip in tests/e2e/a11y_routes.py for: {missing}"
    stale = sorted((PAGE_NAMES | set(SKIP)) - names)
    assert not stale, f"these names are no longer URL patterns: {stale}"
    assert not PAGE_NAMES & set(SKIP), PAGE_NAMES & set(SKIP)


@pytest.mark.django_db
def test_every_page_renders_and_skipped_routes_are_not_pages():
    """Every listed page is HTML for a visitor or for its owner (the other may be redirected: the
    login page for the signed in, a sign-in for the visitor), and the skip list tells the truth:
    a POST-only route answers GET with 405, a redirect redirects, data is not an HTML page."""
    from django.urls import reverse

    world = build_world()
    visitor, owner = Client(), Client()
    owner.force_login(world.owner)

    def is_page(response):
        return response.status_code == 200 and response["Content-Type"].startswith("text/html")

    wrong = {}
    for name, path in pages(world).items():
        if not (is_page(owner.get(path)) or is_page(visitor.get(path))):
            wrong[name] = path
    assert not wrong, f"not an HTML page for anyone: {wrong}"
    not_post_only = {}
    for name, (kind, _reason) in SKIP.items():
        if kind != "post":
            continue
        path = reverse(name, kwargs=_post_kwargs(name, world))
        status = owner.get(path).status_code
        if status != 405:
            not_post_only[name] = (path, status)
    assert not not_post_only, f"skipped as POST-only but GET answers: {not_post_only}"


def _post_kwargs(name, world):
    """Real URL parameters for a POST-only route, by its pattern's converters."""
    o = world.objects
    values = {"slug": o.campaign.slug, "public_id": o.donation.public_id, "comment_id": o.comment.pk,
              "token_id": 1, "pk": 1, "endpoint_id": o.endpoint.pk, "decision_maker_id": o.decision_maker.pk,
              "delivery_id": o.delivery.pk, "membership_id": 1, "user_id": world.owner.pk,
              "request_id": 1, "decision": "approve", "invitation_id": o.invitation.pk, "campaign_id": o.campaign.pk,
              "thread_id": o.thread.pk, "action": "pin", "post_id": o.post.pk, "rsvp_id": o.rsvp.pk, "language": "es",
              "app_label": "campaigns", "model": "comment"}  # fmt: skip
    prefix = name.split(":")[0]
    if prefix == "events":
        values["slug"] = o.event.slug
    elif prefix == "communities":
        values["slug"] = o.group.slug
    elif name.startswith("fundraising:monthly"):
        values["public_id"] = o.plan.public_id
    elif name.startswith("fundraising:pledge") and name != "fundraising:pledge_start":
        values["public_id"] = o.pledge.public_id
    elif name == "fundraising:pledge_start":
        values["slug"] = o.aon.slug
    return _kwargs_for(name, values)


def _kwargs_for(name, values):
    from django.urls import get_resolver

    namespace, _, short = name.rpartition(":")
    resolver = get_resolver()
    for part in namespace.split(":") if namespace else []:
        resolver = resolver.namespace_dict[part][1]
    possibilities = resolver.reverse_dict.getlist(short)
    params = possibilities[0][0][0][1] if possibilities else []
    return {param: values[param] for param in params}


def _signed_in_context(browser, live_server, user, viewport):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    return context


def _axe(page) -> list[dict]:
    # After the page's own load handlers' timers (static/js/admin-a11y.js names admin inputs then).
    results = page.evaluate(
        f"new Promise(done => setTimeout(done, 0)).then(() => axe.run(document, {json.dumps(AXE_OPTIONS)}))"
    )
    return results["violations"]


@pytest.mark.e2e
@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_no_serious_or_critical_axe_violation_on_any_page(browser, live_server, artifacts_dir):
    from axe_playwright_python.sync_playwright import Axe

    axe_source = Axe().axe_script
    world = build_world()
    paths = pages(world) | admin_pages(world)
    started = time.monotonic()
    blocking: list[str] = []
    by_rule: Counter = Counter()
    report: list[dict] = []
    checked = 0
    for role in ("visitor", "owner"):
        for width, viewport in WIDTHS.items():
            if role == "owner":
                context = _signed_in_context(browser, live_server, world.owner, viewport)
            else:
                context = browser.new_context(viewport=viewport)
            # axe-core is registered once per context and runs in every page before the page's own
            # scripts (sending its 500 kB source with each evaluate doubled the run time).
            context.add_init_script(axe_source)
            page = context.new_page()
            seen_final: set[str] = set()
            for name, path in paths.items():
                response = page.goto(live_server.url + path, wait_until="load")
                final = page.url.split("?")[0]
                if final in seen_final:  # a signed-out visitor redirected to the login page again
                    continue
                seen_final.add(final)
                assert response is not None and response.status < 500, (name, path, response and response.status)
                checked += 1
                for violation in _axe(page):
                    by_rule[(violation["id"], violation["impact"])] += len(violation["nodes"])
                    report.append({"page": name, "role": role, "width": width, "rule": violation["id"],
                                   "impact": violation["impact"],
                                   "targets": [node["target"] for node in violation["nodes"]][:5]})  # fmt: skip
                    if violation["impact"] in BLOCKING:
                        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
                        blocking.append(
                            f"{name} [{role}, {width}] {violation['id']} ({violation['impact']}): {targets}"
                        )
            context.close()
    elapsed = time.monotonic() - started
    summary = {"pages_checked": checked, "seconds": round(elapsed, 1),
               "violations_by_rule": {f"{rule} ({impact})": n for (rule, impact), n in by_rule.most_common()},
               "details": report}  # fmt: skip
    (artifacts_dir / "axe-report.json").write_text(json.dumps(summary, indent=2))
    print(f"axe: {checked} page views in {elapsed:.0f}s; by rule: {summary['violations_by_rule']}")
    assert not blocking, "\n".join(blocking)
