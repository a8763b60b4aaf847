"""Every write to campaigns goes through here: a check (input, and the rules in campaigns.policies),
then a do. Import from the module that holds the code:

- authoring: campaign_create, campaign_edit (fields, tags, cover, slug)
- lifecycle: submit for review, approve, reject, close, unpublish, close at the deadline
- updates: the organizer's news, sent to followers
- signatures: sign, confirm by emailed token, purge unconfirmed guests
- trending: the precomputed trending score (+1 per activity, exact periodic refresh)
- follows: follow / unfollow
- comments: create, edit, delete (author, in the edit window), hide / unhide
- sharing: tracked share links, click counting, referral attribution
- moderation: reports (flags) on campaigns and comments, hooks run by the site moderation queue
- _common: permission checks and small writes shared by the modules above (private)
"""
