"""{% service_icon "home" %}: a decorative icon from the vendored Tabler set.

Drawn as a CSS mask over ``currentColor`` so it takes the text colour (elderly mode, high
contrast) instead of the SVG's own black stroke, which an <img> would show.
"""

import re

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

ICON_SET = "vendor/tabler-icons-3.54.0"
_NAME = re.compile(r"^[a-z0-9-]{1,50}$")


@register.simple_tag
def service_icon(name: str, extra_class: str = ""):
    if not name or not _NAME.match(name):
        return ""
    url = static(f"{ICON_SET}/{name}.svg")
    return format_html(
        '<span class="svc-icon {}" style="--icon: url(\'{}\')" aria-hidden="true"></span>', extra_class, url
    )
