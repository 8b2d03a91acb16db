"""People's own words read literally wherever Streamlit renders Markdown (the browser side is in
tests/e2e/test_screens_browser.py)."""

from markdown_it import MarkdownIt

from ui.plain import plain

ATTACK = "[click](http://evil.example/a) ![x](http://evil.example/y.png) **bold** # not a heading"


def test_markdown_syntax_is_escaped_so_it_renders_as_typed():
    html = MarkdownIt("commonmark").render(plain(ATTACK))
    assert "<a " not in html and "<img" not in html and "<strong>" not in html
    assert "[click](http:" in html.replace("\u2060", "")


def test_bare_addresses_are_kept_from_becoming_links_and_lines_from_running_together():
    shown = plain("see https://evil.example or www.evil.example, mail bob@evil.example\nthanks")
    assert "https://" not in shown and "www." not in shown and "b@" not in shown
    assert shown.endswith("  \nthanks")
    assert shown.replace("\u2060", "").replace("\\", "") == (
        "see https://evil.example or www.evil.example, mail bob@evil.example  \nthanks"
    )
