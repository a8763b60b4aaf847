"""Writes for events, one module per concept. Import from where the code lives
(`from events.services.rsvps import rsvp_create`); nothing is re-exported here.

- events: create, edit, cancel and duplicate an event (and the rules a valid event follows)
- rsvps: RSVP, confirm a guest's email, cancel, claim an offered spot, visibility, the sweeps
  that expire offers and release lapsed guest holds
- hosting: the host's door tools (check-in by code or list, walk-ins) and the attendee export
- messages: the host's message to everyone going, and its delivery
- turnout: reminders before the start, and the minimum-turnout decision at the deadline
- calendar: a person's secret calendar-feed URL
- moderation: hide and restore by site moderators (the moderation queue)
- sharing: the event's tracked share links (campaigns' share machinery, the event as target)
- links: the signed manage and email-confirmation links in RSVP emails
- _common, _seats: helpers shared by the modules above (the event lock, notification context,
  seat counts and the waitlist); not for other apps

Locking rule: anything that changes seats or the waitlist locks the event row first
(`select_for_update`), then reads and writes its RSVPs. One lock per event serialises RSVPs,
cancellations, promotions and offer expiries, so the capacity check and the write can never
interleave, and the same lock order everywhere means no deadlocks.
"""
