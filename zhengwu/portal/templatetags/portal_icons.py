"""{% service_icon "home" %}: a decorative icon from the vendored Tabler set.

Drawn as a CSS mask over ``currentColor`` so it takes the text colour (elderly mode, high
contrast) instead of the SVG's own black stroke, which an <img> would show. Each icon has
its own class in portal.css (the guides block): the content security policy forbids inline
styles, so the URL cannot travel in a style attribute.
"""

from pathlib import Path

from django import template
from django.utils.html import format_html

register = template.Library()

ICON_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "tabler-icons-3.54.0"
# Only vendored icons have a class; an unknown name (an admin's typo) draws nothing rather
# than a filled square.
AVAILABLE = frozenset(p.stem for p in ICON_DIR.glob("*.svg"))


@register.simple_tag
def service_icon(name: str, extra_class: str = ""):
    if name not in AVAILABLE:
        return ""
    return format_html('<span class="svc-icon svc-icon-{} {}" aria-hidden="true"></span>', name, extra_class)
