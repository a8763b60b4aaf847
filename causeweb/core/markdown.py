"""User Markdown -> safe HTML. Everything users write (stories, comments, posts, descriptions)
goes through `render_markdown`; nh3 (ammonia) keeps an allow-list, so scripts, styles, event
handlers and javascript: URLs never survive, whatever the Markdown parser produced."""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_EXTENSIONS = ["extra", "sane_lists", "nl2br"]


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )


def render_markdown(text: str) -> SafeString:
    """Render user Markdown to sanitized HTML that templates may output as-is."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty string
    html = markdown_lib.markdown(text, extensions=_EXTENSIONS, output_format="html")
    return mark_safe(sanitize_html(html))  # noqa: S308 - sanitized by nh3 above


def plain_text(text: str, limit: int | None = None) -> str:
    """Markdown -> plain text for previews (meta descriptions, emails)."""
    html = markdown_lib.markdown(text or "", extensions=_EXTENSIONS)
    flat = " ".join(nh3.clean(html, tags=set()).split())
    if limit and len(flat) > limit:
        flat = flat[: limit - 1].rsplit(" ", 1)[0] + "…"
    return flat
