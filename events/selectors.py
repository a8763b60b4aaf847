def event_list_featured(*, limit: int = 4):
    """Upcoming public events for the home page (the events app fills this in)."""
    return []
