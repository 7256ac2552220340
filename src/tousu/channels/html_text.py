"""HTML mail reduced to plain text with the standard library's ``html.parser``."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose start and end break the line; their text stays.
BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p"),
        *("pre", "section", "table", "tbody", "td", "th", "thead", "tr", "ul"),
    }
)
# Elements whose content is never text for a reader.
HIDDEN = frozenset({"head", "script", "style", "template", "title", "noscript"})


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body: one paragraph per line, no markup, no scripts."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (
        re.sub(r"[ \t\r\f\v\u00a0\u3000]+", " ", line).strip()
        for line in "".join(parser.parts).split("\n")
    )
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
