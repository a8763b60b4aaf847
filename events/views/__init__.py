"""HTML views for events, one module per concept: parse the request, ask the policy, call one
service or selector, render. Import from where a view lives; nothing is re-exported here.

- browse: the list of events, an event's page and its .ics
- rsvp: RSVPing, and the attendee's pages behind the emailed links (manage, confirm, QR code)
- host: hosting, editing, cancelling and duplicating an event; the manage page and attendee CSV
- check_in: the host's door page, walk-ins and the live counter
- sharing: the preview card image, QR code, embeddable widget and the host's share statistics
- calendar: a person's calendar-feed page and the secret feed itself
- _common: lookups shared by the modules above
"""
