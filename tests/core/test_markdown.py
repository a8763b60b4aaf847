"""causeweb.core.markdown: user Markdown becomes HTML that keeps formatting and loses anything active."""

import pytest

from causeweb.core.markdown import plain_text, render_markdown, sanitize_html


def test_formatting_survives():
    html = render_markdown("# Title\n\n**bold** _em_ `code`\n\n- one\n- two\n\n> quoted")
    for fragment in ["<h1>Title</h1>", "<strong>bold</strong>", "<em>em</em>", "<code>code</code>", "<li>one</li>",
                     "<blockquote>"]:  # fmt: skip
        assert fragment in html


def test_tables_from_markdown_extra_survive():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<table>" in html and "<td>1</td>" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>hello",
        "hello <script src='https://evil.example/x.js'></script>",
        "<SCRIPT>alert(1)</SCRIPT>hello",
    ],
)
def test_scripts_are_removed(text):
    html = render_markdown(text)
    assert "<script" not in html.lower()
    assert "alert(1)" not in html
    assert "hello" in html


@pytest.mark.parametrize(
    "text",
    [
        '<img src="/media/a.png" onerror="alert(1)">',
        '<a href="https://example.org" onclick="alert(1)">x</a>',
        '<p onmouseover="alert(1)">x</p>',
    ],
)
def test_event_handlers_are_removed(text):
    html = render_markdown(text)
    assert "onerror" not in html and "onclick" not in html and "onmouseover" not in html
    assert "alert" not in html


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
        '<a href="vbscript:msgbox(1)">click</a>',
    ],
)
def test_dangerous_link_schemes_are_dropped(text):
    html = render_markdown(text).lower()
    assert "javascript:" not in html and "data:" not in html and "vbscript:" not in html
    assert "click" in html


def test_styles_iframes_and_forms_are_stripped():
    html = render_markdown('<style>body{display:none}</style><iframe src="https://e.example"></iframe>'
                           '<form action="/x"><input name="a"></form>text')  # fmt: skip
    for tag in ("<style", "<iframe", "<form", "<input"):
        assert tag not in html
    assert "text" in html


def test_links_keep_href_and_get_nofollow_ugc():
    html = render_markdown("[site](https://example.org/page) and <mailto:me@example.org>")
    assert 'href="https://example.org/page"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html
    assert "mailto:me@example.org" in html


def test_remote_image_becomes_a_link_and_own_media_stays_an_image(settings):
    settings.SITE_URL = "https://causeweb.example"
    settings.MEDIA_URL = "/media/"
    remote = render_markdown("![pixel](https://tracker.example/p.gif)")
    assert "<img" not in remote and 'href="https://tracker.example/p.gif"' in remote
    own = render_markdown("![cover](/media/covers/a.jpg)")
    assert '<img alt="cover" src="/media/covers/a.jpg"' in own


def test_html_comments_are_stripped():
    assert "secret" not in sanitize_html("<p>a<!-- secret --></p>")


def test_empty_input_renders_empty():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_plain_text_drops_markup_and_cuts_on_a_word():
    assert plain_text("**Save** the <b>river</b>") == "Save the river"
    cut = plain_text("one two three four five", limit=12)
    assert cut == "one two…"
    assert len(cut) <= 12
