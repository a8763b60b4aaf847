def group_list_featured(*, limit: int = 4):
    """Public groups for the home page (the communities app fills this in)."""
    return []
