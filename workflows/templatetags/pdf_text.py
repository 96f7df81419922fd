"""Template filters for issued documents (templates/pdf/documents/)."""

from django import template

register = template.Library()

# xhtml2pdf cannot split one paragraph across pages when it is taller than a page (reportlab's
# "Splitting error"), so long free text is printed as several shorter paragraphs.
PARAGRAPH_CHARS = 300


@register.filter
def paragraphs(text):
    """Non-empty lines of `text`, each cut into pieces of at most PARAGRAPH_CHARS characters."""
    pieces = []
    for line in str(text or "").splitlines():
        line = line.strip()
        pieces.extend(line[start : start + PARAGRAPH_CHARS] for start in range(0, len(line), PARAGRAPH_CHARS))
    return pieces
