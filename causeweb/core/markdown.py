"""User Markdown -> safe HTML. Everything users write (stories, comments, posts, descriptions)
goes through `render_markdown`; nh3 (ammonia) keeps an allow-list, so scripts, styles, event
handlers and javascript: URLs never survive, whatever the Markdown parser produced.

Images load only from our own media (MEDIA_URL, on this site or the media host): a remote image
in a comment is a tracking pixel that tells its author who read it, and when, from where. A
Markdown image from elsewhere becomes a link to it (the reader chooses to follow it); a raw
`<img>` from elsewhere loses its `src`."""

from urllib.parse import urljoin, urlsplit

import markdown as markdown_lib
import nh3
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

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


def is_own_media_url(src: str) -> bool:
    """True for an image we host: under MEDIA_URL, relative or on our own site / media host."""
    src = (src or "").strip()
    if not src or src.startswith("//") or "\\" in src:
        return False
    site = urlsplit(settings.SITE_URL)
    media = urlsplit(urljoin(settings.SITE_URL + "/", settings.MEDIA_URL))
    target = urlsplit(urljoin(settings.SITE_URL + "/", src))
    if target.scheme not in ("http", "https") or target.username or target.password:
        return False
    try:
        same_host = (target.hostname, target.port) in {(site.hostname, site.port), (media.hostname, media.port)}
    except ValueError:  # a "port" that is not a number ("host:8000.evil.example")
        return False
    media_path = media.path if media.path.endswith("/") else media.path + "/"
    dotted = "/../" in target.path or "%2e" in target.path.lower()  # no climbing out of the media folder
    return same_host and target.path.startswith(media_path) and not dotted


class _RemoteImagesToLinks(Treeprocessor):
    def run(self, root):
        for element in root.iter("img"):
            src = element.get("src", "")
            if is_own_media_url(src):
                continue
            alt = element.get("alt") or "image"
            element.tag = "a"
            element.attrib.clear()
            element.set("href", src)
            element.text = alt
        return root


class _OwnImagesOnly(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_RemoteImagesToLinks(md), "own_images_only", 0)


def _extensions():
    return ["extra", "sane_lists", "nl2br", _OwnImagesOnly()]


_EXTENSIONS = ["extra", "sane_lists", "nl2br"]


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not is_own_media_url(value):
        return None  # raw HTML <img> from elsewhere: no request leaves the reader's browser
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
        attribute_filter=_attribute_filter,
    )


def render_markdown(text: str) -> SafeString:
    """Render user Markdown to sanitized HTML that templates may output as-is."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty string
    html = markdown_lib.markdown(text, extensions=_extensions(), output_format="html")
    return mark_safe(sanitize_html(html))  # noqa: S308 - sanitized by nh3 above


def plain_text(text: str, limit: int | None = None) -> str:
    """Markdown -> plain text for previews (meta descriptions, emails)."""
    html = markdown_lib.markdown(text or "", extensions=_EXTENSIONS)
    flat = " ".join(nh3.clean(html, tags=set()).split())
    if limit and len(flat) > limit:
        flat = flat[: limit - 1].rsplit(" ", 1)[0] + "…"
    return flat
