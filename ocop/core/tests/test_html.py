from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy

from ocop.core.html import html_join

ROWS = [
    ("<script>alert('x')</script>", 3, format_html("<b>{}</b>", "ok & safe")),
    ('Bánh "đa" & cá', None, gettext_lazy("Toàn quốc")),
]


def test_html_join_escapes_like_format_html_join():
    pattern = '<tr><td title="{}">{}</td><td>{}</td></tr>'
    assert html_join(pattern, ROWS) == format_html_join("", pattern, ROWS)
    assert "&lt;script&gt;" in html_join(pattern, ROWS)
    assert "<b>ok &amp; safe</b>" in html_join(pattern, ROWS)  # safe values kept as they are


def test_html_join_of_nothing_is_empty_and_safe():
    assert html_join("<li>{}</li>", []) == ""
    assert hasattr(html_join("<li>{}</li>", []), "__html__")
