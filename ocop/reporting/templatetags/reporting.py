from django import template

from ocop.reporting.charts import fmt

register = template.Library()


@register.filter
def num(value):
    """12345 → "12.345", 12.5 → "12,5" (the charts' Vietnamese number); empty for None."""
    return "" if value in (None, "") else fmt(value)
