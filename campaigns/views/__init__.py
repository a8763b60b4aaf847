"""Thin HTML views: parse input, call one service or selector, render. Import from the module
that holds the view (campaigns/urls.py does):

- browse: the public list with search, filters and sorts
- page: a campaign's page, its preview, news and live counter
- organizer: create, edit, submit, close, "my campaigns", stats, post news, signatures CSV
- signatures: sign, confirm a guest's signature
- follows: follow / unfollow
- comments: write, edit, delete, hide comments
- flags: report a campaign or a comment to the site moderators
- sharing: the /s/<code> redirect, embed widget, QR code
- _common: lookups and the campaign page context shared by the modules above (private)
"""
