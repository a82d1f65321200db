"""Markdown in, safe GOV.UK-styled HTML out; and the plain text the plain-English check reads.

Two locks on the door, because a document is written by staff but read by volunteers and
applicants on the same site:
1. markdown-it's "commonmark" preset with raw HTML switched off: any tag a writer types is
   shown as text, and links with unsafe addresses (javascript:, data:, vbscript:) are not
   made into links at all.
2. nh3 (the ammonia sanitiser) then keeps only an allow-list of tags and attributes and
   only http, https and mailto links. Even if step 1 ever let something through, nothing
   that can run reaches the page.
"""
from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup
import nh3

# The page's own title is the h1, so a document's biggest headings become h2s (whether the
# writer used # or ##), the next size h3s, and anything smaller h4s.
TOP_HEADING = 2
DEEPEST_HEADING = 4

TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "pre", "br",
        "hr", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Tags whose content goes too, not only the tag (they can only appear if step 1 failed).
DROP_WITH_CONTENT = {"script", "style"}

GOVUK_CLASSES = {
    "p": "govuk-body",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
}

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def _shift_headings(tokens) -> None:
    headings = [token for token in tokens if token.type in ("heading_open", "heading_close")]
    if not headings:
        return
    biggest = min(int(token.tag[1]) for token in headings)
    for token in headings:
        token.tag = f"h{min(int(token.tag[1]) - biggest + TOP_HEADING, DEEPEST_HEADING)}"


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes and link schemes; add GOV.UK classes."""
    return nh3.clean(
        html, tags=TAGS, clean_content_tags=DROP_WITH_CONTENT, attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES, url_relative="pass_through", link_rel="noopener noreferrer",
        set_tag_attribute_values={tag: {"class": classes} for tag, classes in GOVUK_CLASSES.items()},
    )


def to_html(markdown: str) -> Markup:
    """Markdown as HTML that is safe to put on a page as it is."""
    tokens = _markdown.parse(markdown or "")
    _shift_headings(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return Markup(sanitise(html))


def plain_text(markdown: str) -> str:
    """What a reader reads, as plain text: each paragraph, heading, list item, table cell and
    chosen line break becomes a paragraph of its own, so a heading is read as a sentence. Link text stays, addresses go; code blocks and images are left out."""
    blocks: list[str] = []
    for token in _markdown.parse(markdown or ""):
        if token.type != "inline":
            continue
        lines: list[list[str]] = [[]]
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                lines[-1].append(child.content)
            elif child.type == "softbreak":
                lines[-1].append(" ")
            elif child.type == "hardbreak":  # a line break the writer chose: read as a new line
                lines.append([])
        blocks.extend(text for line in lines if (text := " ".join("".join(line).split())))
    return "\n\n".join(blocks)
