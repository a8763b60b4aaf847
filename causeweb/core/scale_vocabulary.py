"""Words and places the scale seeder (`manage.py seed_scale`) builds its rows from, so the pages
it renders look like a real site (varied names, cities, time zones) and stay deterministic."""

# city, country code, latitude, longitude, IANA time zone, usual currency
PLACES = [
    ("Lisbon", "PT", 38.7223, -9.1393, "Europe/Lisbon", "EUR"),
    ("Berlin", "DE", 52.5200, 13.4050, "Europe/Berlin", "EUR"),
    ("Madrid", "ES", 40.4168, -3.7038, "Europe/Madrid", "EUR"),
    ("Paris", "FR", 48.8566, 2.3522, "Europe/Paris", "EUR"),
    ("Milan", "IT", 45.4642, 9.1900, "Europe/Rome", "EUR"),
    ("Dublin", "IE", 53.3498, -6.2603, "Europe/Dublin", "EUR"),
    ("Amsterdam", "NL", 52.3676, 4.9041, "Europe/Amsterdam", "EUR"),
    ("Vienna", "AT", 48.2082, 16.3738, "Europe/Vienna", "EUR"),
    ("Athens", "GR", 37.9838, 23.7275, "Europe/Athens", "EUR"),
    ("Helsinki", "FI", 60.1699, 24.9384, "Europe/Helsinki", "EUR"),
    ("London", "GB", 51.5072, -0.1276, "Europe/London", "GBP"),
    ("Manchester", "GB", 53.4808, -2.2426, "Europe/London", "GBP"),
    ("Glasgow", "GB", 55.8642, -4.2518, "Europe/London", "GBP"),
    ("New York", "US", 40.7128, -74.0060, "America/New_York", "USD"),
    ("Chicago", "US", 41.8781, -87.6298, "America/Chicago", "USD"),
    ("Los Angeles", "US", 34.0522, -118.2437, "America/Los_Angeles", "USD"),
    ("Denver", "US", 39.7392, -104.9903, "America/Denver", "USD"),
    ("Atlanta", "US", 33.7490, -84.3880, "America/New_York", "USD"),
    ("Seattle", "US", 47.6062, -122.3321, "America/Los_Angeles", "USD"),
    ("Tokyo", "JP", 35.6762, 139.6503, "Asia/Tokyo", "JPY"),
    ("Osaka", "JP", 34.6937, 135.5023, "Asia/Tokyo", "JPY"),
    ("Sapporo", "JP", 43.0618, 141.3545, "Asia/Tokyo", "JPY"),
]

FIRST_NAMES = [
    "Amina", "Jonas", "María", "Kenji", "Grace", "Liam", "Sofia", "Noah", "Aisha", "Mateo", "Yuki", "Olivia",
    "Ibrahim", "Chloé", "Lukas", "Fatima", "Diego", "Hana", "Emma", "Kwame", "Ana", "Mehmet", "Léa", "Ravi",
    "Zoe", "Tomás", "Ingrid", "Omar", "Priya", "Sean", "Elif", "Hiroshi", "Nadia", "Pablo", "Freya", "Kofi",
]  # fmt: skip
LAST_NAMES = [
    "Diallo", "Weber", "López", "Sato", "Okafor", "O'Brien", "Rossi", "Martin", "Khan", "García", "Tanaka",
    "Smith", "Yilmaz", "Dubois", "Müller", "Haddad", "Silva", "Nakamura", "Johnson", "Mensah", "Costa", "Kaya",
    "Bernard", "Patel", "Novak", "Fernández", "Larsen", "Farah", "Sharma", "Murphy", "Demir", "Suzuki",
]  # fmt: skip

CAUSES = [
    ("Climate", "climate", "Cutting emissions and adapting our towns."),
    ("Housing", "housing", "Homes people can afford, and tenants' rights."),
    ("Health", "health", "Care that reaches everyone."),
    ("Education", "education", "Schools, libraries and learning for all ages."),
    ("Animal welfare", "animal-welfare", "Shelters, wildlife and humane farming."),
    ("Clean water", "clean-water", "Rivers, taps and wells."),
    ("Food security", "food-security", "Food banks, gardens and fair prices."),
    ("Human rights", "human-rights", "Dignity and equal treatment."),
    ("Transport", "transport", "Safe streets, buses and bike lanes."),
    ("Digital rights", "digital-rights", "Privacy and an open internet."),
    ("Arts & culture", "arts-culture", "Venues, festivals and heritage."),
    ("Refugees", "refugees", "Welcome, shelter and legal help."),
]

TOPICS = [
    "the riverside park", "our public library", "the night bus", "the community garden", "safe bike lanes",
    "the local food bank", "clean air near schools", "the youth centre", "affordable homes", "the animal shelter",
    "free school meals", "the old cinema", "tree planting", "the tenants' union", "a new health clinic",
    "the coastline", "recycling at the market", "the refugee welcome centre", "open data", "the swimming pool",
]  # fmt: skip
ACTIONS = ["Save", "Fund", "Protect", "Restore", "Expand", "Support", "Reopen", "Build", "Defend", "Clean up"]

STORY = """## Why this matters

{topic} is part of daily life for thousands of people in {city}. Without action this year,
it will be lost. We have a plan, a budget and volunteers ready.

## What we will do

- meet the council and present the plan
- raise the money for the first phase
- report every step here

Every signature and every donation counts. **Thank you** for being part of it.
"""

POST_BODIES = [
    "Thanks everyone for coming on Saturday! Photos are in the shared folder.",
    "Does anyone have a van we could borrow for the next collection?",
    "I wrote to the council; here is the reply I got. Thoughts?",
    "Reminder: the meeting moved to Thursday, same place, 7pm.",
    "Great turnout this week. Next step is the petition handover.",
    "Can we add a session for newcomers? A few people asked me.",
    "I can help with translations (Spanish, Portuguese).",
    "Here's the draft leaflet, comments welcome before Friday.",
]
THREAD_TITLES = [
    "Planning the next action", "Introductions: who's new?", "Leaflet drafts", "Meeting notes",
    "Fundraising ideas", "Press coverage", "Volunteer rota", "Questions for the council",
]  # fmt: skip
