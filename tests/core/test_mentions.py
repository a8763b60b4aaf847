import pytest

from causeweb.core.markdown import render_markdown
from causeweb.core.mentions import MAX_MENTIONS, handle_of, highlight_mentions, mention_handles


@pytest.mark.parametrize(
    "text, handles",
    [
        ("thanks @Amina and @bo.", ["amina", "bo"]),
        ("mail ana@example.org or see example.org/@page", []),
        ("@@twice @Amina @amina", ["amina"]),
        ("", []),
    ],
)
def test_mention_handles(text, handles):
    assert mention_handles(text) == handles


def test_at_most_max_mentions():
    text = " ".join(f"@person{n}" for n in range(MAX_MENTIONS + 5))
    assert len(mention_handles(text)) == MAX_MENTIONS


def test_handle_of_a_display_name():
    assert handle_of("Amina  Diallo ") == "AminaDiallo"


def test_highlight_marks_text_but_not_links_code_or_emails():
    html = render_markdown(
        "Hi @Amina, see [@docs](https://example.org) and `@code`; write ana@example.org\n\n```\n@block\n```"
    )
    marked = highlight_mentions(html)
    assert '<span class="mention">@Amina</span>' in marked
    assert "@docs" in marked and '<span class="mention">@docs' not in marked
    assert '<span class="mention">@code' not in marked and '<span class="mention">@block' not in marked
    assert '<span class="mention">@example' not in marked


def test_highlight_cannot_inject_markup():
    html = render_markdown('@x<script>alert(1)</script> @"><img src=x onerror=alert(1)>')
    marked = highlight_mentions(html)
    assert marked == '<p><span class="mention">@x</span> @"&gt;<img></p>'


def test_known_handles_become_links_others_stay_highlighted():
    html = render_markdown("Hi @Amina. and @bo, see [@Amina](https://example.org) and `@Amina`")
    marked = highlight_mentions(html, links={"amina": "/people/Amina/"})
    assert '<a class="mention" href="/people/Amina/">@Amina</a>. and' in marked
    assert '<span class="mention">@bo</span>' in marked
    assert marked.count('class="mention"') == 2  # not inside the link nor the code


def test_a_link_url_is_escaped():
    marked = highlight_mentions("<p>@x</p>", links={"x": '/people/x/"><script>'})
    assert "<script>" not in marked and "&quot;&gt;&lt;script&gt;" in marked
