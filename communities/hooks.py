"""What communities lets higher apps plug into (see causeweb.core.hooks).

- `group_page_sections`: providers `(group, viewer) -> PageSection | None`, shown on the group page
  below the discussions (events adds the group's upcoming events).
"""

from causeweb.core.hooks import Hook

group_page_sections = Hook("group page sections")
