"""Share-button targets for templates/includes/share_buttons.html (used by campaigns and events).

Each channel's link carries `?via=<channel>` on the shared URL, so a tracked link (/s/<code>)
records which channel a visitor came through; on a plain URL the parameter is harmless."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


def with_via(url: str, channel: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "via"]
    query.append(("via", channel))
    return urlunsplit(parts._replace(query=urlencode(query)))


@register.filter(name="with_via")
def with_via_filter(url, channel):
    return with_via(str(url or ""), str(channel))


@register.simple_tag
def share_targets(share_url: str, share_title: str = "", share_text: str = "") -> list[dict]:
    """Links to each network's own share page (no third-party script on our pages)."""
    share_url = str(share_url or "")
    title = str(share_title or "")
    text = str(share_text or title)

    def url_for(channel):
        return with_via(share_url, channel)

    return [
        {
            "channel": "x",
            "label": "X",
            "href": "https://x.com/intent/tweet?" + urlencode({"url": url_for("x"), "text": text[:200]}),
        },
        {
            "channel": "facebook",
            "label": "Facebook",
            "href": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url_for("facebook")}),
        },
        {
            "channel": "whatsapp",
            "label": "WhatsApp",
            "href": "https://wa.me/?" + urlencode({"text": f"{text} {url_for('whatsapp')}"}),
        },
        {
            "channel": "linkedin",
            "label": "LinkedIn",
            "href": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url_for("linkedin")}),
        },
        {
            "channel": "telegram",
            "label": "Telegram",
            "href": "https://t.me/share/url?" + urlencode({"url": url_for("telegram"), "text": text[:200]}),
        },
        {
            "channel": "email",
            "label": gettext("Email"),
            "href": "mailto:?"
            + urlencode({"subject": title, "body": f"{text}\n\n{url_for('email')}"}, quote_via=_quote),
            "same_tab": True,
        },
    ]


@register.simple_tag
def embed_code(src: str, title: str) -> str:
    """The <iframe> snippet an organizer pastes on their site (shown as text in a textarea; code,
    not words, so it is built here rather than written in the template)."""
    return format_html(
        '<iframe src="{}" width="340" height="230" style="border:0" title="{}" loading="lazy"></iframe>', src, title
    )


def _quote(value, safe="", encoding=None, errors=None):
    # mailto: wants %20 for spaces, not "+".
    from urllib.parse import quote

    return quote(value, safe=safe, encoding=encoding, errors=errors)
