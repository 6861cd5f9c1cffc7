"""Slack mrkdwn as the page shows it: formatting, mentions, links, and escaped text kept inert."""

from __future__ import annotations

import pytest

from bot.playground.mrkdwn import Names, plain_to_html, to_html

NAMES = Names(users={"U1": "Tara"}, channels={"C1": "general"}, groups={"S1": "triage"})


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("*bold* and _italic_ and ~gone~", "<b>bold</b> and <i>italic</i> and <s>gone</s>"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        ("run `rm -rf` now", "run <code>rm -rf</code> now"),
        ("```a *b*\n<c>```", "<pre>a *b*\n&lt;c&gt;</pre>"),
        ("&gt; quoted\nnext", "<blockquote>quoted</blockquote>next"),
        ("line one\nline two", "line one<br>line two"),
        (":warning: careful :not_an_emoji:", "⚠️ careful :not_an_emoji:"),
    ],
)
def test_formatting(text: str, html: str) -> None:
    """Bold, italic, strike, code, code blocks, quotes, newlines and known emoji render as Slack does."""
    assert to_html(text) == html


def test_escaped_markup_stays_literal() -> None:
    """Entities the bot escaped show as the characters, never as a mention, link or tag."""
    shown = to_html(
        "&lt;!channel&gt; &lt;@U1&gt; &lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;", NAMES
    )
    assert "mention" not in shown and "<script" not in shown and "<a " not in shown
    assert "&lt;!channel&gt;" in shown and "&lt;script&gt;" in shown and "&amp;amp;" in shown


def test_real_mentions_and_broadcasts() -> None:
    """Unescaped `<@U…>`, `<#C…>`, `<!subteam^…>` and `<!here>` become named mentions."""
    shown = to_html("<@U1> see <#C1> and <!subteam^S1> <!here> <@U9|someone>", NAMES)
    assert "@Tara" in shown and "#general" in shown and "@triage" in shown
    assert 'class="mention broadcast">@here' in shown and "@someone" in shown


def test_links_only_for_safe_schemes() -> None:
    """http(s) and mailto links become anchors; `javascript:` stays text; quotes cannot break out."""
    shown = to_html('<https://example.org/a?b=1&amp;c=2|the "docs"> <javascript:alert(1)|x>')
    assert 'href="https://example.org/a?b=1&amp;c=2"' in shown and "the &quot;docs&quot;" in shown
    assert "javascript" in shown and shown.count("<a ") == 1


def test_placeholder_characters_in_input_cannot_inject() -> None:
    """Private-use characters the renderer uses internally are dropped from input first."""
    assert to_html("\ue0000\ue001 <https://a.example|x>") == (
        '0 <a href="https://a.example" target="_blank" rel="noopener noreferrer">x</a>'
    )


def test_plain_text_is_shown_literally() -> None:
    """`plain_text` is escaped as-is: no mrkdwn, entities shown verbatim, emoji optional."""
    assert plain_to_html("*a* <b> &lt; :lock:") == "*a* &lt;b&gt; &amp;lt; 🔒"
    assert plain_to_html(":lock:", emoji=False) == ":lock:"
