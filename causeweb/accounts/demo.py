"""Demo people. Everyone's password is `causeweb-demo`."""

from causeweb.accounts.services import user_create_verified
from causeweb.core import ratelimits

DEMO_PASSWORD = "causeweb-demo"
DEMO_PEOPLE = [
    ("amina@causeweb.local", "Amina Diallo", "Lisbon"),
    ("jonas@causeweb.local", "Jonas Weber", "Berlin"),
    ("maria@causeweb.local", "María López", "Madrid"),
    ("kenji@causeweb.local", "Kenji Sato", "Tokyo"),
    ("grace@causeweb.local", "Grace Okafor", "London"),
    ("liam@causeweb.local", "Liam O'Brien", "Dublin"),
    ("sofia@causeweb.local", "Sofia Rossi", "Milan"),
    ("noah@causeweb.local", "Noah Martin", "Paris"),
]


def demo_users():
    return [
        user_create_verified(email=email, password=DEMO_PASSWORD, display_name=name, location=city)
        for email, name, city in DEMO_PEOPLE
    ]


@ratelimits.exempt
def seed(stdout):
    users = demo_users()
    stdout.write(f"Demo people: {len(users)} (password {DEMO_PASSWORD}).")
