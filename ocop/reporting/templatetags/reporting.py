from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ocop.core.html import html_join
from ocop.core.templatetags.ocop import stars
from ocop.reporting.charts import fmt

register = template.Library()


@register.filter
def num(value):
    """12345 → "12.345", 12.5 → "12,5" (the charts' Vietnamese number); empty for None."""
    return "" if value in (None, "") else fmt(value)


@register.simple_tag
def expiring_rows(rows):
    """The rows of the expiring certificates table (up to 50), built in one Python call: as a template loop
    with a {% url %} per row it was the slowest part of a province's dashboard."""
    base = reverse("registry:product_detail", args=["0"])[:-2]  # ".../san-pham/0/" without "0/"
    doing = _("đang làm")
    missing = format_html('<span class="err">{}</span>', _("chưa có hồ sơ"))
    return html_join(
        '<tr><td><a href="{}{}/">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                base,
                r["public_id"],
                r["name"],
                r["commune"],
                stars(r["star"]),
                r["ends_on"].strftime("%d/%m/%Y"),
                doing if r["reevaluating"] else missing,
            )
            for r in rows
        ),
    )
