from functools import cache

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def stars(n):
    """★★★☆☆ with an accessible label; empty for products without a rank."""
    if not n:
        return ""
    return _stars(int(n))


@cache
def _stars(n: int) -> str:
    return format_html('<span class="stars s{}" aria-label="{} sao">{}</span>', n, n, "★" * n)


@register.filter
def rendition(name, size):
    """Storage name of a photo's smaller size made on upload ("a/b.jpg", 320 → "a/b-320.jpg")."""
    from ocop.registry.models import rendition_name

    return rendition_name(str(name), int(size)) if name else ""


@register.filter
def vnd(amount):
    """185000 → "185.000 đ" (Vietnamese thousands separator)."""
    if amount in (None, ""):
        return ""
    return f"{int(amount):,} đ".replace(",", ".")


@register.simple_tag
def options(choices, selected=None, blank=None):
    """The <option>s of a select from (value, label) pairs, the selected one marked. One Python call instead
    of a template loop: the search page has five such lists and is measured against its raw SQL."""
    chosen = "" if selected is None else str(selected)
    parts = [] if blank is None else [f'<option value="">{escape(blank)}</option>']
    for value, label, *_ in choices:
        v = str(value)
        parts.append(
            f'<option value="{escape(v)}"{" selected" if v == chosen else ""}>{escape(label)}</option>'
        )
    return mark_safe("".join(parts))


@register.simple_tag
def cards(items):
    """The product cards of the catalogue (search results, province, producer, sales point, fair pages)."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from ocop.registry.models import rendition_name

    prefix = reverse("catalogue:product", args=["_"])[:-2]
    media = settings.MEDIA_URL
    store, online = _("Có điểm bán"), _("Bán trực tuyến")
    parts = ['<ul class="cards">']
    for i in items:
        if i.photo:
            photo = (
                f'<img class="ph" src="{escape(media + rendition_name(i.photo, 320))}" alt="" loading="lazy" '
                'width="76" height="76">'
            )
        else:
            photo = '<span class="ph" aria-hidden="true">★</span>'
        tags = " · ".join(t for t, on in ((store, i.sales_points), (online, i.ecommerce)) if on)
        parts.append(
            f'<li><a class="c" href="{prefix}{escape(i.public_id)}/">{photo}<div><b>{escape(i.name)}</b>'
            f"{stars(i.star)}<span>{escape(i.producer_name)}</span>"
            f"<span>{escape(i.commune_name)}, {escape(i.province_name)}</span>"
            f"{f'<span class=tags>{escape(tags)}</span>' if tags else ''}</div></a></li>"
        )
    parts.append("</ul>")
    return mark_safe("".join(parts))
