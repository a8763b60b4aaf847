"""Demo groups: public, by-request and private ones, with members, moderators, threads, nested
replies, reactions, an announcement to the public groups' members, a waiting join request and an
invitation link. Idempotent: a group already
seeded (same name, same creator) is left alone. Everything goes through the services."""

from django.db import transaction

from causeweb.accounts.demo import demo_users
from causeweb.core import ratelimits
from communities.models import Group, Membership, Post
from communities.services import announcements as announcement_services
from communities.services import campaigns as group_campaign_services
from communities.services import discussions as discussion_services
from communities.services import groups as group_services
from communities.services import membership as membership_services

DEMO_ANNOUNCEMENT = ("New meeting place for the group", "We meet at the **library** from now on.")

# name, visibility, cause words (matched against cause names), location, lat, lng, owner index,
# member indexes, moderator indexes, code of conduct, description
DEMO_GROUPS = [
    (
        "Lisbon Clean Air Neighbours",
        "public",
        ("climate", "environment", "air"),
        "Lisbon",
        "38.722300",
        "-9.139300",
        0,
        [1, 2, 4, 5, 6],
        [2],
        "",
        "We measure the air on our streets and push the city for **car-free Sundays**.\n\n"
        "Monthly meetings at the library; everyone is welcome.",
    ),
    (
        "Berlin Tenants Together",
        "public",
        ("housing", "tenant"),
        "Berlin",
        "52.520000",
        "13.405000",
        1,
        [0, 3, 5, 7],
        [3],
        "Be respectful. No personal data about landlords or neighbours.",
        "Tenants helping tenants: rent checks, repair letters, and showing up together at hearings.",
    ),
    (
        "Climate Letter Writers (online)",
        "public",
        ("climate",),
        "Online",
        None,
        None,
        6,
        [0, 1, 2, 3, 4, 5, 7],
        [],
        "",
        "Every Thursday we write to representatives. Templates and tips in the pinned thread.",
    ),
    (
        "Madrid Food Bank Volunteers",
        "request",
        ("food", "hunger", "poverty"),
        "Madrid",
        "40.416800",
        "-3.703800",
        2,
        [0, 6, 7],
        [6],
        "1. Be kind.\n2. Shifts you sign up for are shifts you show up for.\n3. Keep recipients' names private.",
        "Sorting, packing and delivering food every weekend. We approve new volunteers to keep shifts safe.",
    ),
    (
        "Dublin Safe Cycling",
        "request",
        ("transport", "climate", "cycling"),
        "Dublin",
        "53.349800",
        "-6.260300",
        5,
        [1, 4],
        [],
        "No abuse of drivers, cyclists or council staff.",
        "Mapping dangerous junctions and campaigning for protected lanes.",
    ),
    (
        "Tokyo Organisers Circle",
        "private",
        ("climate", "community"),
        "Tokyo",
        None,
        None,
        3,
        [0, 1, 6],
        [0],
        "",
        "A small, private space for organisers to plan actions before they go public.",
    ),
    (
        "London Mutual Aid Coordinators",
        "private",
        ("poverty", "health", "community"),
        "London",
        "51.507400",
        "-0.127800",
        4,
        [2, 5, 7],
        [5],
        "What is said here stays here.",
        "Coordinators of the borough mutual-aid groups: rotas, supplies, and who needs what.",
    ),
]

# title, body, replies: list of (author offset, body, nested replies [(author offset, body)])
DEMO_THREADS = [
    (
        "Welcome! Introduce yourself",
        "Tell us who you are and what brought you here. I'll start: I joined after the last march.",
        [
            (1, "Hi all! I live near the river and care about the air my kids breathe.", [(2, "Same here, welcome!")]),
            (2, "Long-time lurker, first post. Happy to help with flyers.", []),
            (3, "Hello from the other side of town 👋", [(0, "Great to have you.")]),
        ],
    ),
    (
        "Next meeting: agenda ideas",
        "What should we cover next time? So far:\n\n- the petition\n- the street party\n- fundraising",
        [
            (2, "Can we add a short training on talking to the press?", [(0, "Good idea, adding it.")]),
            (1, "I can bring the projector.", []),
        ],
    ),
]


def _cause_for(words):
    from campaigns.selectors import cause_list

    causes = list(cause_list())
    for word in words:
        for cause in causes:
            if word in cause.name.lower() or word in cause.slug:
                return cause
    return None


def _related_campaigns(group, limit=2):
    """Campaigns a group would really back: open ones for its cause, or failing that in its city."""
    from campaigns.selectors import campaign_search

    related = list(campaign_search(cause_slug=group.cause.slug, status="open")[:limit]) if group.cause else []
    if not related and group.location:
        related = list(campaign_search(location=group.location, status="open")[:limit])
    return related


def _seed_group(spec, people, stdout) -> bool:
    name, visibility, cause_words, location, lat, lng, owner_i, member_is, moderator_is, conduct, description = spec
    owner = people[owner_i]
    if Group.objects.filter(name=name, created_by=owner).exists():
        return False
    group = group_services.group_create(
        creator=owner,
        name=name,
        description=description,
        visibility=visibility,
        cause=_cause_for(cause_words),
        location=location,
        latitude=lat,
        longitude=lng,
        code_of_conduct=conduct,
    )
    # Members come in the way the group allows: directly, by an approved request, or by invitation.
    invitation = membership_services.invitation_create(actor=owner, group=group, days=30, note="Demo link")
    for i in member_is:
        person = people[i]
        if visibility == "public":
            membership_services.group_join(user=person, group=group, accept_code_of_conduct=True)
        elif visibility == "request":
            join_request = membership_services.join_request_create(
                user=person, group=group, message="I'd love to help.", accept_code_of_conduct=True
            )
            membership_services.join_request_approve(actor=owner, join_request=join_request)
        else:
            membership_services.invitation_accept(user=person, token=invitation.token, accept_code_of_conduct=True)
    for i in moderator_is:
        membership = Membership.objects.get(group=group, user=people[i])
        membership_services.membership_change_role(actor=owner, membership=membership, role=Membership.Role.MODERATOR)
    if visibility == "request":
        outsiders = [p for n, p in enumerate(people) if n not in member_is and n != owner_i]
        if outsiders:
            membership_services.join_request_create(
                user=outsiders[0], group=group, message="Saw your stall at the market!", accept_code_of_conduct=True
            )
    members = [owner] + [people[i] for i in member_is]
    for t_index, (title, body, replies) in enumerate(DEMO_THREADS):
        thread = discussion_services.thread_create(
            author=members[t_index % len(members)], group=group, title=title, body=body
        )
        for offset, reply_body, nested in replies:
            reply = discussion_services.post_create(
                author=members[offset % len(members)], thread=thread, body=reply_body
            )
            for nested_offset, nested_body in nested:
                discussion_services.post_create(
                    author=members[nested_offset % len(members)], thread=thread, body=nested_body, parent=reply
                )
        if t_index == 0:
            discussion_services.thread_set_pinned(actor=owner, thread=thread, pinned=True)
        posts = list(Post.objects.filter(thread=thread).order_by("created_at"))
        for p_index, post in enumerate(posts):
            for m_index, member in enumerate(members):
                if (p_index + m_index) % 3 == 0 and member.pk != post.author_id:
                    discussion_services.reaction_add(
                        user=member, post=post, kind=("like", "support", "celebrate")[m_index % 3]
                    )
    for campaign in _related_campaigns(group):
        group_campaign_services.group_campaign_add(actor=owner, group=group, campaign_slug=campaign.slug)
    if visibility == "public":  # every member gets an email and a notification linking to the group page
        announcement_services.announcement_create(
            actor=owner, group=group, subject=DEMO_ANNOUNCEMENT[0], body=DEMO_ANNOUNCEMENT[1]
        )
    stdout.write(f"Group: {name} ({visibility}, {group.member_count} members)")
    return True


@ratelimits.exempt
def seed(stdout):
    people = demo_users()
    created = 0
    for spec in DEMO_GROUPS:
        with transaction.atomic():
            created += _seed_group(spec, people, stdout)
    stdout.write(f"Demo groups: {created} new, {len(DEMO_GROUPS) - created} already there.")
