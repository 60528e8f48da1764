from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def stars(n):
    """★★★☆☆ with an accessible label; empty for products without a rank."""
    if not n:
        return ""
    return format_html('<span class="stars s{}" aria-label="{} sao">{}</span>', n, n, "★" * n)
