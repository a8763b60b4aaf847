"""Reads of comment reactions, split from campaigns/selectors.py by concept: a page of comments
gets its counts, and the viewer's own reactions, in two queries whatever the page holds."""

from collections import defaultdict

from django.db.models import Count

from campaigns.models import Comment, CommentReaction

ReactionSummary = list[tuple[str, str, int, bool]]  # (kind, label, count, mine)


def reaction_summary(counts: dict[str, int], mine: set[str]) -> ReactionSummary:
    return [(kind, label, counts.get(kind, 0), kind in mine) for kind, label in CommentReaction.Kind.choices]


def with_comment_reactions(comments: list[Comment], *, viewer=None) -> list[Comment]:
    """`.reaction_summary` on each comment and each of its `.reply_list` replies."""
    everything = [c for comment in comments for c in (comment, *getattr(comment, "reply_list", []))]
    ids = [c.pk for c in everything]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, set[str]] = defaultdict(set)
    if ids:
        rows = CommentReaction.objects.filter(comment_id__in=ids).values("comment_id", "kind").annotate(n=Count("id"))
        for row in rows:
            counts[row["comment_id"]][row["kind"]] = row["n"]
        if getattr(viewer, "is_authenticated", False):
            own = CommentReaction.objects.filter(comment_id__in=ids, user=viewer).values_list("comment_id", "kind")
            for comment_id, kind in own:
                mine[comment_id].add(kind)
    for comment in everything:
        comment.reaction_summary = reaction_summary(counts.get(comment.pk, {}), mine.get(comment.pk, set()))
    return comments


def comment_reaction_summary(*, comment: Comment, viewer=None) -> ReactionSummary:
    return with_comment_reactions([comment], viewer=viewer)[0].reaction_summary
