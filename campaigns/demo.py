"""Demo campaigns: a dozen realistic causes with drawn covers, updates, signatures, comments,
follows and share clicks, so the home and browse pages look alive. Idempotent: a campaign whose
slug exists is left alone.

Covers go through the same image pipeline as uploads (causeweb.core.images via the create
service). Status, counters and history are then set directly, as a seed backfills the past:
going through approve/notify would email every demo person on each fresh install."""

import io
import math
import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, F
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from campaigns.models import Campaign, CampaignUpdate, Cause, Comment, Follow, ShareClick, ShareLink, Signature
from campaigns.services import authoring, lifecycle, sharing
from causeweb.core import ratelimits
from causeweb.core.markdown import render_markdown

CAUSES = [
    (
        "Climate & environment",
        "climate",
        "Cleaner air, safer streets, a livable planet.",
        ((11, 110, 79), (233, 196, 106)),
    ),
    ("Housing", "housing", "Homes people can afford and keep.", ((120, 53, 15), (251, 191, 36))),
    ("Food & hunger", "food", "Nobody should go to bed hungry.", ((194, 65, 12), (254, 215, 170))),
    ("Health", "health", "Care close to home, for everyone.", ((14, 116, 144), (165, 243, 252))),
    ("Education", "education", "Every child learning, every adult welcome.", ((67, 56, 202), (196, 181, 253))),
    ("Water", "water", "Clean water and living rivers.", ((3, 105, 161), (125, 211, 252))),
    ("Animals", "animals", "Kindness to the creatures we share cities with.", ((157, 23, 77), (251, 207, 232))),
    ("Accessibility", "accessibility", "Cities that work for every body.", ((21, 94, 117), (253, 224, 71))),
    ("Nature", "nature", "Wild places worth protecting.", ((22, 101, 52), (190, 242, 100))),
]

FIRST = [
    "Ana", "Ben", "Chloé", "Dario", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jamal", "Kasia", "Luca", "Mei",
    "Nadia", "Omar", "Paula", "Quinn", "Rosa", "Sami", "Tomás", "Uma", "Viktor", "Wen", "Yara", "Zoe",
]  # fmt: skip
LAST = [
    "Almeida", "Brennan", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hassan", "Ito", "Jensen",
    "Kowalski", "Larsen", "Moreau", "Novak", "Okoye", "Petrov", "Quintero", "Rossi", "Schmidt", "Tanaka",
]  # fmt: skip
SIGNER_COMMENTS = [
    "My kids walk this route every day.",
    "Long overdue. Thank you for starting this.",
    "Signed for my grandmother.",
    "I see this problem every week.",
    "",
    "",
    "Let's make it happen!",
    "The council has ignored this for years.",
    "",
]

# organizer index (demo_users), cause slug, title, summary, location, target, goal (major units),
# currency, days since publication, days to deadline (None = none), status, tags, story, updates
CAMPAIGNS = [
    (
        0,
        "climate",
        "Protected bike lanes on Avenida Almirante Reis",
        "Two cyclists were hit on Almirante Reis this year. Physically separated lanes would make it safe "
        "for kids, commuters and delivery riders.",
        "Lisbon",
        5000,
        15000,
        "EUR",
        34,
        40,
        "published",
        ["cycling", "road safety", "lisbon"],
        "## What happened\n\nIn March and again in June, cyclists were hit on **Avenida Almirante Reis**. "
        "The painted lane there disappears at every junction, and cars park on it all day.\n\n"
        "## What we ask\n\n1. Concrete kerbs between the bike lane and traffic, from Martim Moniz to Areeiro.\n"
        "2. Loading bays for deliveries, so vans stop blocking the lane.\n"
        "3. A public timeline, published before the end of the year.\n\n"
        "## Why it matters\n\nWhen streets feel safe, more people cycle: Seville quadrupled cycling in five "
        "years with a protected network. Every bike trip is cleaner air for the whole street.\n\n"
        "> *I would let my daughter ride to school if the lane was protected.* — a parent at our last meeting",
        [
            (
                "We met the mobility councillor",
                "Thirty of us went to the public session. The councillor "
                "promised a written answer **within 30 days**. We will publish it here.",
            ),
            ("1,000 signatures!", "Thank you all. Next stop: 5,000 before the budget vote."),
        ],
    ),
    (
        2,
        "water",
        "Turn Madrid's public fountains back on",
        "Half of Madrid's drinking fountains have been dry since 2020. In a hotter city, free water in "
        "every plaza is public health.",
        "Madrid",
        3000,
        None,
        "EUR",
        21,
        60,
        "published",
        ["heat", "public space", "madrid"],
        "## Dry fountains in a hot city\n\nWe mapped **412 public fountains**; 198 do not work. Summers now "
        "bring weeks above 40 °C, and people without money for bottled water suffer most.\n\n"
        "## Our ask\n\n- Repair every fountain on the city's own list by next June.\n"
        "- Publish a live map of working fountains.\n- Add fountains at bus stops with no shade.\n\n"
        "See our survey data and photos on [our map](https://example.org/fountains).",
        [("The map is online", "Volunteers checked 412 fountains in two weekends. Thank you!")],
    ),
    (
        5,
        "housing",
        "Cap short-term rentals in Dublin's city centre",
        "Whole streets of homes have become holiday lets while families cannot find a place to rent. "
        "Enforce the 90-day rule and cap new permits.",
        "Dublin",
        10000,
        None,
        "EUR",
        50,
        None,
        "published",
        ["rent", "tenants", "dublin"],
        "## The problem\n\nMore than **4,000 homes** in Dublin are listed as full-time short-term rentals. "
        "Each is a home a nurse, a teacher or a student cannot rent.\n\n## What we ask\n\n"
        "1. Enforce the existing planning rules, with inspectors and fines that bite.\n"
        "2. No new permits in rent pressure zones.\n3. A public register of every listing.\n",
        [
            ("Council motion tabled", "Two councillors tabled our motion for the next meeting."),
            ("Testimonies wanted", "Evicted for a holiday let? Tell us your story (anonymously if you wish)."),
            ("Press coverage", "The Irish Times covered the campaign this weekend."),
        ],
    ),
    (
        1,
        "health",
        "Keep the night pharmacy in Neukölln open",
        "The only pharmacy open at night for 160,000 people is due to close. Parents of sick children "
        "would have to cross the city at 3 a.m.",
        "Berlin",
        2000,
        None,
        "EUR",
        12,
        25,
        "published",
        ["pharmacy", "berlin", "night"],
        "## Why this matters\n\nThe Apotheke am Hermannplatz is the only pharmacy in Neukölln open after "
        "midnight. Its lease ends in March.\n\n## What we want\n\n- The district to help find premises.\n"
        "- The chamber of pharmacists to keep a night rota in the district.\n",
        [],
    ),
    (
        6,
        "education",
        "Free school lunches for every child in Milan",
        "One child in six in Milan's schools skips lunch because the family cannot pay. A free, "
        "healthy meal for all ends the stigma and helps everyone learn.",
        "Milan",
        8000,
        50000,
        "EUR",
        45,
        30,
        "published",
        ["schools", "food", "children"],
        "## Hungry children do not learn\n\nTeachers tell us about children who hide at lunchtime. "
        "Means-tested meals leave too many out, and the forms are hard for many families.\n\n"
        "## Our proposal\n\n**Universal free lunch** in primary schools, funded by the city and the region. "
        "Cities like Helsinki have done this since 1948.\n\n## How you can help\n\n"
        "Sign, share, and come to the school board meeting.",
        [("Parents' assembly", "Over 200 parents joined the assembly at the Scuola Pascoli. Next: the region.")],
    ),
    (
        3,
        "nature",
        "Save the Tama river wetlands",
        "A planned parking complex would pave over the last wetland on the Tama river where herons and "
        "kingfishers nest. Protect it as a nature park instead.",
        "Tokyo",
        20000,
        2000000,
        "JPY",
        60,
        15,
        "published",
        ["wetlands", "birds", "tokyo"],
        "## A rare place\n\nThe wetland near Futako-Tamagawa is home to **87 bird species**. Schools use it "
        "for nature lessons.\n\n## The threat\n\nA 600-space parking complex is planned on the site.\n\n"
        "## The alternative\n\nA nature park with a boardwalk, designed with local schools.",
        [("Bird count results", "Volunteers counted 87 species in one morning, including kingfishers.")],
    ),
    (
        4,
        "climate",
        "Solar panels on every London school roof",
        "London's schools have thousands of empty, sunny roofs. Solar would cut their bills and teach "
        "children about clean energy every day.",
        "London",
        6000,
        30000,
        "GBP",
        28,
        90,
        "published",
        ["solar", "schools", "energy"],
        "## Bills are crushing school budgets\n\nEnergy costs for London schools doubled in two years. "
        "Money for teachers is going to bills.\n\n## The ask\n\nA city-backed programme to put **solar on "
        "every suitable school roof by 2030**, with community share offers so parents can invest.",
        [],
    ),
    (
        7,
        "animals",
        "A no-kill animal shelter for Paris",
        "Paris has no municipal no-kill shelter. Thousands of animals are abandoned every summer. "
        "Fund a shelter run with volunteers and vets.",
        "Paris",
        4000,
        80000,
        "EUR",
        16,
        None,
        "published",
        ["shelter", "pets", "paris"],
        "## Every summer\n\nAbandonments peak in July and August. Private shelters are full.\n\n"
        "## Our plan\n\n- A municipal site in the 19th arrondissement.\n- A volunteer network and low-cost "
        "vet care.\n- Adoption days in every district.",
        [("Site visit", "The city showed us a possible site near the canal. Fingers crossed!")],
    ),
    (
        0,
        "accessibility",
        "Step-free access at every Lisbon metro station",
        "Eighteen metro stations in Lisbon still have no lift. Wheelchair users, parents with buggies and "
        "older people are locked out of their own city.",
        "Lisbon",
        1200,
        None,
        "EUR",
        80,
        None,
        "closed",
        ["metro", "wheelchair", "lisbon"],
        "## Locked out\n\nEighteen stations have stairs only. Broken lifts stay broken for weeks.\n\n"
        "## Our ask\n\nA funded plan for lifts at every station and repairs within 48 hours.",
        [("We won!", "The metro company published a funded plan for lifts at all 18 stations. Thank you!")],
    ),
    (
        1,
        "food",
        "Community fridges in every Berlin district",
        "Supermarkets throw away tonnes of good food every day. Community fridges let neighbours share "
        "it instead. Help us open one in every district.",
        "Berlin",
        1500,
        12000,
        "EUR",
        8,
        45,
        "published",
        ["food waste", "berlin", "neighbours"],
        "## Food in the bin, people going hungry\n\nWe run four community fridges. Each one saves about "
        "**200 kg of food a week**.\n\n## Goal\n\nTwelve fridges, one per district, with hygiene training "
        "for every volunteer.",
        [],
    ),
    (
        2,
        "education",
        "Library cards for refugees without paperwork",
        "Madrid's libraries ask for a residence document to issue a card. People waiting for papers are "
        "left without books, classes and internet access.",
        "Madrid",
        2500,
        None,
        "EUR",
        5,
        None,
        "published",
        ["libraries", "refugees", "madrid"],
        "## A simple fix\n\nAccept any ID or a letter from a support organisation. Barcelona already does.\n\n"
        "## Why\n\nLibraries are where people learn the language, look for work and get online.",
        [],
    ),
    (
        5,
        "climate",
        "Ban single-use plastic at Dublin festivals",
        "Every festival weekend leaves tonnes of plastic cups and plates in the parks. Require reusable "
        "cups and deposit schemes for events on public land.",
        "Dublin",
        1000,
        None,
        "EUR",
        120,
        None,
        "closed",
        ["plastic", "festivals", "dublin"],
        "## The morning after\n\nVolunteers collected 2.4 tonnes of plastic after one weekend in Phoenix "
        "Park.\n\n## Our ask\n\nReusable cups with a deposit at every event on public land.",
        [("Adopted", "The council adopted a reusable-cup rule for events from next season.")],
    ),
]

PENDING = (
    0,
    "water",
    "Swimmable Tagus by 2030",
    "Clean the Tagus estuary so that Lisboetas can swim in it again, as Parisians now swim in the Seine.",
    "Lisbon",
    5000,
    None,
    "EUR",
    ["swimming", "rivers", "lisbon"],
    "## Why not?\n\nParis cleaned the Seine. Copenhagen swims in its harbour. Lisbon can too.",
)

COMMENTS = [
    "Signed and shared with my street's WhatsApp group.",
    "Is there a meeting we can join? I would like to help with **flyers**.",
    "The council answered a similar petition in 2019 with nothing. We need to keep the pressure on.",
    "Great work. Here is the [city's own report](https://example.org/report) that backs this up.",
    "My neighbour uses a wheelchair and this affects her every single day.",
    "Could we add a deadline to the ask? Otherwise they will just delay.",
]
REPLIES = [
    "Yes, every first Monday at the library, 7pm.",
    "Good idea, we will add it to the next update.",
    "Thank you for sharing!",
]


def _font(size: int):
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _cover(cause_slug: str, title: str, seed: int) -> SimpleUploadedFile:
    """A 1600x900 cover: a diagonal gradient in the cause's colours with soft shapes."""
    rng = random.Random(seed)
    dark, light = next(colors for _n, slug, _d, colors in CAUSES if slug == cause_slug)
    width, height = 1600, 900
    image = Image.new("RGB", (width, height))
    pixels = ImageDraw.Draw(image)
    for x in range(0, width, 4):
        t = x / width
        for_col = tuple(int(dark[i] + (light[i] - dark[i]) * t * 0.85) for i in range(3))
        pixels.rectangle([x, 0, x + 4, height], fill=for_col)
    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    for _ in range(14):
        radius = rng.randint(60, 320)
        cx, cy = rng.randint(-100, width + 100), rng.randint(-100, height + 100)
        alpha = rng.randint(25, 70)
        shapes.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=(255, 255, 255, alpha))
    # A wave along the bottom, different for each campaign.
    phase, amplitude = rng.random() * math.pi, rng.randint(30, 70)
    wave = [(x, int(height * 0.72 + amplitude * math.sin(x / 180 + phase))) for x in range(0, width + 20, 20)]
    shapes.polygon([*wave, (width, height), (0, height)], fill=(*dark, 150))
    overlay = overlay.filter(ImageFilter.GaussianBlur(2))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    font = _font(104)
    words, lines, line = title.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > width - 260 and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    lines = lines[:3]
    y = height - 110 - 124 * len(lines)
    for text in lines:
        draw.text((124, y + 4), text, font=font, fill=(0, 0, 0))
        draw.text((120, y), text, font=font, fill=(255, 255, 255))
        y += 124
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile(f"{cause_slug}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _seed_signatures(campaign: Campaign, rng: random.Random, count: int, published_at) -> None:
    now = timezone.now()
    span = max((now - published_at).total_seconds(), 3600)
    rows = []
    for index in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        # More recent signatures for younger campaigns: skew towards now.
        moment = published_at + timedelta(seconds=span * (1 - rng.random() ** 2))
        moment = min(moment, now - timedelta(minutes=rng.randint(7, 900)))
        rows.append(
            Signature(
                campaign=campaign,
                name=f"{first} {last}",
                email=f"{first}.{last}.{index}@example.org".lower(),
                comment=rng.choice(SIGNER_COMMENTS),
                is_public=rng.random() > 0.2,
                confirmed_at=moment,
            )
        )
    Signature.objects.bulk_create(rows, batch_size=500)
    # created_at is auto_now_add: backdate it to when each person signed.
    Signature.objects.filter(campaign=campaign).update(created_at=F("confirmed_at"))


@ratelimits.exempt
def seed(stdout):
    from causeweb.accounts.demo import demo_users

    people = demo_users()
    causes = {}
    for name, slug, description, _colors in CAUSES:
        causes[slug], _ = Cause.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
    now = timezone.now()
    created = 0
    for index, spec in enumerate(CAMPAIGNS):
        (
            organizer_i,
            cause_slug,
            title,
            summary,
            location,
            target,
            goal,
            currency,
            age_days,
            deadline_days,
            status,
            tags,
            story,
            updates,
        ) = spec
        if Campaign.objects.filter(title=title).exists():
            continue
        organizer = people[organizer_i]
        rng = random.Random(f"campaign-{index}")
        from causeweb.core.money import to_minor

        campaign = authoring.campaign_create(
            organizer=organizer,
            title=title,
            summary=summary,
            story=story,
            cause=causes[cause_slug],
            tags=tags,
            location=location,
            petition_target=target,
            goal_minor=to_minor(goal, currency) if goal else None,
            currency=currency,
            deadline=now + timedelta(days=deadline_days) if deadline_days else None,
            cover=_cover(cause_slug, title, seed=index),
            cover_alt=f"Illustration for the campaign “{title}”",
        )
        published_at = now - timedelta(days=age_days, hours=rng.randint(0, 20))
        if status == "published":
            signature_count = min(int(target * rng.uniform(0.15, 0.85)), rng.randint(600, 1500))
        else:
            signature_count = min(int(target * rng.uniform(1.02, 1.2)), 1500)
        _seed_signatures(campaign, rng, signature_count, published_at)
        for number, (update_title, body) in enumerate(updates):
            update = CampaignUpdate.objects.create(
                campaign=campaign, author=organizer, title=update_title, body=body, body_html=render_markdown(body)
            )
            CampaignUpdate.objects.filter(pk=update.pk).update(
                created_at=published_at + timedelta(days=(age_days * (number + 1)) // (len(updates) + 1))
            )
        commenters = [p for p in people if p.pk != organizer.pk]
        for number in range(rng.randint(2, 5)):
            body = COMMENTS[(index + number) % len(COMMENTS)]
            top = Comment.objects.create(
                campaign=campaign, author=commenters[(index + number) % len(commenters)], body=body,
                body_html=render_markdown(body),
            )  # fmt: skip
            Comment.objects.filter(pk=top.pk).update(created_at=now - timedelta(days=rng.randint(0, 6), hours=number))
            if number % 2 == 0:
                reply = REPLIES[(index + number) % len(REPLIES)]
                Comment.objects.create(
                    campaign=campaign, author=organizer, parent=top, body=reply, body_html=render_markdown(reply)
                )
        followers = rng.sample(commenters, k=rng.randint(2, len(commenters)))
        Follow.objects.bulk_create([Follow(campaign=campaign, user=person) for person in followers])
        Campaign.objects.filter(pk=campaign.pk).update(
            status=status,
            submitted_at=published_at - timedelta(days=1),
            published_at=published_at,
            closed_at=now - timedelta(days=3) if status == "closed" else None,
            deadline=campaign.deadline if status == "published" else None,
            last_activity_at=now - timedelta(hours=rng.randint(1, 72)),
            follower_count=len(followers),
            signature_count=Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False).count(),
        )
        campaign.refresh_from_db()
        _seed_shares(campaign, people, rng)
        created += 1
    _seed_pending(people, causes)
    total = Campaign.objects.aggregate(n=Count("id"))["n"]
    stdout.write(f"Campaigns: {created} created, {total} in all (one waiting in the admin review queue).")


def _seed_shares(campaign: Campaign, people, rng: random.Random) -> None:
    channels = ["whatsapp", "whatsapp", "x", "facebook", "email", "copy", "telegram", "linkedin", "qr"]
    links = [sharing.share_link_get_or_create(campaign=campaign)]
    links += [sharing.share_link_get_or_create(campaign=campaign, user=person) for person in rng.sample(people, 2)]
    today = timezone.now().date()
    clicks = []
    for number in range(rng.randint(15, 60)):
        link = rng.choice(links)
        clicks.append(
            ShareClick(
                share_link=link,
                channel=rng.choice(channels),
                visitor=f"demo-visitor-{campaign.pk}-{number}",
                day=today - timedelta(days=rng.randint(0, 20)),
            )
        )
    ShareClick.objects.bulk_create(clicks, ignore_conflicts=True)
    for link in links:
        ShareLink.objects.filter(pk=link.pk).update(click_count=ShareClick.objects.filter(share_link=link).count())
    referred = list(Signature.objects.filter(campaign=campaign).values_list("pk", flat=True)[: len(clicks) // 3])
    Signature.objects.filter(pk__in=referred).update(share_link=links[0])


def _seed_pending(people, causes) -> None:
    organizer_i, cause_slug, title, summary, location, target, _goal, currency, tags, story = PENDING
    if Campaign.objects.filter(title=title).exists():
        return
    campaign = authoring.campaign_create(
        organizer=people[organizer_i],
        title=title,
        summary=summary,
        story=story,
        cause=causes[cause_slug],
        tags=tags,
        location=location,
        petition_target=target,
        currency=currency,
        cover=_cover(cause_slug, title, seed=99),
        cover_alt=f"Illustration for the campaign “{title}”",
    )
    lifecycle.campaign_submit_for_review(campaign=campaign, actor=people[organizer_i])
