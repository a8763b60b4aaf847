"""Top-level short links (/s/<code>) for tracked shares."""

urlpatterns: list = []
