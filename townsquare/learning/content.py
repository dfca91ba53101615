"""Page text: Markdown written by the council's authors, rendered to safe HTML.

Authors are trusted staff, but what they paste (from Word, from a web page) is not: the HTML is
cleaned to a short allow-list, and links open as ordinary links with GOV.UK classes added.
"""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "blockquote", "br", "abbr"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "class"},
    "abbr": {"title"},
    "ul": {"class"},
    "ol": {"class"},
    "p": {"class"},
    "h2": {"class"},
    "h3": {"class"},
}
CLASSES = {
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
    "<h2>": '<h2 class="govuk-heading-m">',
    "<h3>": '<h3 class="govuk-heading-s">',
    "<a href=": '<a class="govuk-link" href=',
}


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML with GOV.UK classes, stripped of anything outside the allow-list."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    html = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"https", "mailto"}, link_rel=None
    )
    for plain, styled in CLASSES.items():
        html = html.replace(plain, styled)
    return mark_safe(html)  # noqa: S308 - cleaned by nh3 above
