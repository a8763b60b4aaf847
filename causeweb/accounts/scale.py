"""The people of `manage.py seed_scale`: 50,000 accounts at factor 1.

Passwords are unusable ("!" prefix, as `set_unusable_password` writes): seeded people cannot
sign in, so a seeded database can never be a door into anything.
"""

from datetime import datetime, timedelta

from causeweb.accounts.models import User
from causeweb.core import bulk
from causeweb.core.scale_vocabulary import FIRST_NAMES, LAST_NAMES, PLACES

SEED_ORDER = 0
MODELS = [User]
USERS = 50_000
EMAIL_DOMAIN = "seed.causeweb.test"


def user_email(user_id: int) -> str:
    return f"person{user_id}@{EMAIL_DOMAIN}"


def seed(conn, factor: float, rng, ids: dict, report: bulk.Report) -> None:
    now: datetime = ids["now"]
    count = bulk.scaled(USERS, factor, minimum=20)
    names, places = [], []

    def rows():
        for user_id in range(1, count + 1):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            place = rng.randrange(len(PLACES))
            names.append(name)
            places.append(place)
            city, _country, _lat, _lon, zone, _currency = PLACES[place]
            joined = now - timedelta(days=rng.uniform(0, 3 * 365))
            yield (
                user_id,
                f"!seed{rng.getrandbits(64):016x}",
                user_email(user_id),
                name,
                city if rng.random() < 0.8 else "",
                zone if rng.random() < 0.6 else "",
                rng.random() > 0.01,  # a few suspended people
                joined,
            )

    with report.table("accounts.User", count):
        bulk.copy_rows(
            conn,
            User,
            ["id", "password", "email", "display_name", "location", "timezone", "is_active", "date_joined"],
            rows(),
            report,
        )
    ids["users"] = list(range(1, count + 1))
    ids["user_names"] = names  # index = id - 1
    ids["user_places"] = places
    ids["user_email"] = user_email
