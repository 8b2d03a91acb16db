"""People's own words (notes, disputes, tips, transcripts) shown as written, never as Markdown.

Streamlit renders Markdown in `st.markdown`, `st.write`, captions, alerts and button labels, and
turns bare addresses into links. Text one person typed must not put a link, an image or a
heading in front of another: `plain` makes it read literally wherever Markdown is rendered.
"""

from __future__ import annotations

import re
import string

__all__ = ["plain"]

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# GitHub-flavoured Markdown links bare "http://", "www." and e-mail addresses even when every
# character is escaped; an invisible word joiner (U+2060) at each keeps them text.
_BARE_LINKS = re.compile(r"(?i)(?<=[a-z])(?=://)|(?<=www)(?=\.)|(?=@)")
_WORD_JOINER = "\u2060"


def plain(text: str) -> str:
    """`text` as Markdown that renders exactly as typed: every punctuation mark escaped, bare
    addresses kept from becoming links, and line breaks kept."""
    text = _BARE_LINKS.sub(_WORD_JOINER, text)
    return _PUNCTUATION.sub(r"\\\1", text).replace("\n", "  \n")
