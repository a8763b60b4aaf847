"""Reactions on campaign comments (like, support, celebrate), as group posts have them: one row per
person, comment and kind; counts are read per page of comments (campaigns/comment_selectors.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CommentReaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        SUPPORT = "support", _("Support")
        CELEBRATE = "celebrate", _("Celebrate")

    comment = models.ForeignKey("campaigns.Comment", on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Also the index the page's counts read: (comment, ...) for a page's comment ids.
            models.UniqueConstraint(fields=["comment", "user", "kind"], name="campaigns_comment_reaction_once"),
            models.CheckConstraint(
                condition=Q(kind__in=["like", "support", "celebrate"]), name="campaigns_comment_reaction_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.kind} on comment {self.comment_id}"
