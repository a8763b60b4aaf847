"""What campaigns lets higher apps plug into (see causeweb.core.hooks and docs/architecture.md).

- `campaign_page_sections`: providers `(campaign, viewer) -> PageSection | None`; slot "aside" (the
  column with signing and sharing) or "main" (below the story). Fundraising adds the funding panel,
  events the upcoming events, communities the groups behind the campaign.
- `campaign_embed_sections`: providers `(campaign, absolute_url) -> PageSection | None` for the
  embeddable widget (`absolute_url(path)` makes a full address, the widget lives on other sites).
  Fundraising adds raised/goal and a Donate button.
- `campaign_currency_locks`: providers `(campaign_id) -> bool`; the currency cannot change once any
  says True (fundraising: the campaign has donations in that currency).
- `share_link_targets`: providers `(target) -> bool | None`; None when `target` is not their model,
  else whether it may be shared (and its /s/<code> links followed) now. A tracked share link to
  another app's page (an event, a group) exists only for a model some provider answers for.
- `campaign_update_audiences`: providers `(campaign) -> (account ids, guest emails)` of the people
  who asked another app to keep them updated about the campaign (events: RSVPs that ticked
  "keep me updated"); the campaign's updates reach them as they reach its followers. Guest
  emails must be confirmed addresses.
- `campaign_form_sections`: providers `(campaign, data) -> FormSection | None` adding a piece to
  the campaign create/edit form (`campaign` is None on create, `data` the POST or None).
  Fundraising adds the funding model (keep what you raise | all or nothing by the deadline).
- `campaign_message_segments`: providers `(campaign) -> list[MessageSegment]`: the groups of
  supporters another app knows (fundraising: donors; events: the RSVPs of each event) that an
  organizer may write to. A segment names people; campaigns intersects it with those who opted
  in to the campaign's news, so a provider can never make someone who did not opt in get mail.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms

from causeweb.core.hooks import Hook


@dataclass(frozen=True)
class FormSection:
    """A piece of the campaign form owned by a higher app: its `form` (prefixed, so its fields
    never collide with the campaign's), the `template` that renders it (with `section` in the
    context), and `apply(campaign=, actor=)`, called once the campaign is saved, in the same
    transaction: a domain error it raises is shown on `form` and nothing is saved."""

    form: forms.Form
    template: str
    apply: Callable[..., None]


@dataclass(frozen=True)
class MessageSegment:
    """A group of a campaign's supporters for the organizer's messages. `key` is stable and
    unique on the campaign ("donors", "rsvps:42"); `members()` returns (account ids, email
    addresses) and is called only when the segment is previewed or sent."""

    key: str
    label: str
    members: Callable[[], tuple[Iterable[int], Iterable[str]]]


campaign_page_sections = Hook("campaign page sections")
campaign_currency_locks = Hook("campaign currency locks")
share_link_targets = Hook("share link targets")
campaign_update_audiences = Hook("campaign update audiences")
campaign_embed_sections = Hook("campaign embed sections")
campaign_form_sections = Hook("campaign form sections")
campaign_message_segments = Hook("campaign message segments")
