from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def stars(n):
    """★★★☆☆ with an accessible label; empty for products without a rank."""
    if not n:
        return ""
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
