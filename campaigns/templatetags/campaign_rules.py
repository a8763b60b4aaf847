"""campaigns.policies for templates: `{% load campaign_rules %}`, then
`{% if comment|can_change_comment:user %}`. Templates ask the policy, never re-derive it."""

from django import template

from campaigns import policies

register = template.Library()


@register.filter
def can_change_comment(comment, user) -> bool:
    return policies.can_change_comment(user, comment)
