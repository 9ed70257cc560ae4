"""The notice's restricted markdown as safe HTML: everything typed is escaped first, then
only ``## heading`` lines, ``- item`` lists, paragraphs (blank-line separated), line breaks
and bare ``https://`` links become markup. No raw HTML ever gets through."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_LINK = re.compile(r"https://[^\s<>\"']+[^\s<>\"'.,;:)]")


def _inline(text: str) -> str:
    escaped = str(escape(text))  # quotes become &#34; / &#39;: a link cannot leave its attribute
    return _LINK.sub(lambda m: f'<a href="{m.group(0)}" rel="noopener nofollow">{m.group(0)}</a>', escaped)


def render_notice(text: str) -> Markup:
    """``text`` (restricted markdown) as HTML, every character typed escaped."""
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def close() -> None:
        if paragraph:
            html.append("<p>" + "<br>".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()
        if items:
            html.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>")
            items.clear()

    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("#"):
            close()
            html.append(f"<h2>{_inline(line.lstrip('#').strip())}</h2>")
        elif line[:2] in ("- ", "* "):
            if paragraph:
                close()
            items.append(line[2:].strip())
        else:
            if items:
                close()
            paragraph.append(line)
    close()
    return Markup("\n".join(html))
