"""Small server-side SVG charts for the OCOP dashboards. Pure Python: imports nothing from Django.

Every function returns one self-contained ``<svg>`` string made for slow phones: no JavaScript, no web
font (``system-ui,sans-serif``), a ``viewBox`` with ``width="100%"`` so it scales to its box, a ``<title>``
and ``role="img"`` with an ``aria-label`` that reads the figures out (``bars`` with links is a
``role="group"`` so the links stay reachable). The page shows the heading itself: the title is not drawn.
All text is escaped (labels come from user data); numbers are written the Vietnamese way by ``fmt``.

- ``bars``: horizontal bars, one row per item (provinces, product groups, …), optionally linked.
- ``columns``: columns per category (years), series stacked or side by side, gridlines, legend.
- ``progress``: a value against a target with an optional forecast (bullet chart).
- ``share``: one 100 % bar cut into parts; legend with counts and percentages (``percentages``).
- ``line``: one polyline per series, ``None`` leaves a gap, the last value written.

Negative and non-numeric values count as 0, except in ``line`` (negative allowed, non-numeric is a gap).
Colours are any SVG colour: PALETTE holds six readable ones, STAR_COLORS gold shades for 3, 4, 5 stars.
"""

import itertools
import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from xml.sax.saxutils import escape

PALETTE = ("#2563a8", "#e07b1f", "#2e8b57", "#c0392b", "#7b52ab", "#8a6d3b")
STAR_COLORS = {3: "#f2c94c", 4: "#e0a526", 5: "#b7791f"}
TEXT, MUTED, GRID, TRACK, TARGET = "#222", "#666", "#ddd", "#e6e6e6", "#111"
EMPTY = "Chưa có số liệu"
WIDTH, FONT, PAD, ROW, BAR_H, PLOT_H, LABEL_CHARS = 400, 12, 8, 22, 14, 150, 28

_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
_CTX = Context(prec=400)  # room for any float


def fmt(n: float, digits: int = 1) -> str:
    """Vietnamese number: 12345 → "12.345", 1234.5 → "1.234,5"; at most ``digits`` decimals (half up)."""
    if isinstance(n, int):
        return f"{n:,}".replace(",", ".")
    d = Decimal(str(n)) if isinstance(n, float) else Decimal(n)
    if not d.is_finite():
        return "–"
    whole, _, frac = f"{abs(d).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP, _CTX):,f}".partition(".")
    frac = frac.rstrip("0")
    sign = "-" if d < 0 and (frac or whole != "0") else ""
    return sign + whole.replace(",", ".") + ("," + frac if frac else "")


def percentages(values) -> list[int]:
    """Whole percentages summing to 100 (largest remainder, ties to the earlier one); all 0 if total is 0."""
    parts = [Fraction(_pos(v)) for v in values]
    total = sum(parts)
    if not total:
        return [0] * len(parts)
    quotas = [100 * p / total for p in parts]
    out = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(out)), key=lambda i: out[i] - quotas[i])  # stable: earlier wins ties
    for i in by_remainder[: 100 - sum(out)]:
        out[i] += 1
    return out


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _pos(v) -> float:
    f = _num(v)
    return f if f and f > 0 else 0.0


def _n(v: float) -> str:
    """A coordinate rounded to 0.1 px, shortest form."""
    s = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _text(value: object) -> str:
    return escape(_XML_BAD.sub("", str(value)))


def _attr(value: object) -> str:
    return escape(_XML_BAD.sub("", str(value)), {'"': "&quot;"})


def _trunc(value: object, chars: int = LABEL_CHARS) -> str:
    s = " ".join(str(value).split())
    return s if len(s) <= chars else s[: max(1, chars - 1)].rstrip() + "…"


def _tw(s: str, size: float = FONT) -> float:
    """Estimated width of a text in px (system-ui averages a little over half an em per character)."""
    return len(s) * size * 0.58


def _safe_href(href: object) -> str:
    """The href, or "" when it uses a scheme other than http(s)/mailto/tel (javascript:, data:, …)."""
    href = str(href or "").strip()
    match = _SCHEME.match(re.sub(r"[\x00-\x20]", "", href))
    return "" if match and match.group(1).lower() not in _SAFE_SCHEMES else href


def _with_unit(v: float, unit: str) -> str:
    return f"{fmt(v)} {_trunc(unit, 16)}" if unit else fmt(v)


def _t(x: float, y: float, s: object, extra: str = "") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}"{extra}>{_text(s)}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str, tip: str = "", extra: str = "") -> str:
    head = f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{_attr(fill)}"{extra}'
    return f"{head}><title>{_text(tip)}</title></rect>" if tip else head + "/>"


def _svg(height: float, title: str, body: str, summary: str = "", role: str = "img") -> str:
    name = f"{title}: {summary}" if summary else title
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" '
        f'role="{role}" aria-label="{_attr(name)}" font-family="system-ui,sans-serif" font-size="{FONT}" '
        f'fill="{TEXT}"><title>{_text(title)}</title>{body}</svg>'
    )


def _empty(title: str, message: str) -> str:
    return _svg(40, title, _t(WIDTH / 2, 24, message, f' text-anchor="middle" fill="{MUTED}"'), message)


def _ticks(lo: float, hi: float) -> tuple[list[float], int]:
    """Round gridline values (step 1, 2 or 5 × 10^k, at most 5 intervals) covering lo..hi, and decimals."""
    if hi <= lo:
        hi = lo + 1
    k = math.floor(math.log10((hi - lo) / 5))
    while True:
        for m in (1, 2, 5):
            step = m * 10.0**k
            a, b = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
            if b - a <= 5:
                dec = max(0, -k)
                return [round(i * step, dec) for i in range(a, b + 1)], dec
        k += 1


def _legend(items: list[tuple[str, str]], y: float) -> tuple[str, float]:
    """Swatches and names flowing left to right, wrapping; returns the SVG and its height."""
    out, x, row = [], PAD, 0
    for name, colour in items:
        name = _trunc(name)
        w = 14 + _tw(name) + 12
        if x > PAD and x + w > WIDTH - PAD:
            x, row = PAD, row + 1
        out.append(_rect(x, y + row * 18, 10, 10, colour) + _t(x + 14, y + row * 18 + 9.5, name))
        x += w
    return "".join(out), (row + 1) * 18


class _Grid:
    """Plot area shared by ``columns`` and ``line``: y gridlines with values, category labels below."""

    def __init__(self, categories: list[str], lo: float, hi: float, right: float = 0):
        self.ticks, dec = _ticks(lo, hi)
        labels = [fmt(t, dec) for t in self.ticks]
        self.x0 = PAD + max(_tw(s, 11) for s in labels) + 6
        x1 = WIDTH - PAD - right
        self.base = 18 + PLOT_H
        self.slot = (x1 - self.x0) / len(categories)
        self.centers = [self.x0 + self.slot * (i + 0.5) for i in range(len(categories))]
        lines = "".join(f"M{_n(self.x0)} {_n(self.y(t))}H{_n(x1)}" for t in self.ticks)
        names = [_trunc(c, 12) for c in categories]
        every = max(1, math.ceil((max(_tw(c) for c in names) + 6) / self.slot))
        self.svg = (
            f'<path d="{lines}" stroke="{GRID}"/><g font-size="11" fill="{MUTED}" text-anchor="end">'
            + "".join(_t(self.x0 - 4, self.y(t) + 4, s) for t, s in zip(self.ticks, labels, strict=True))
            + '</g><g text-anchor="middle">'
            + "".join(
                _t(x, self.base + 15, c)
                for i, (x, c) in enumerate(zip(self.centers, names, strict=True))
                if i % every == 0
            )
            + "</g>"
        )

    def y(self, v: float) -> float:
        lo, hi = self.ticks[0], self.ticks[-1]
        return round(self.base - (min(max(v, lo), hi) - lo) * PLOT_H / (hi - lo), 1)


def bars(
    items: list[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    color: str = PALETTE[0],
    max_value: float | None = None,
    href: list[str] | None = None,
    empty: str = EMPTY,
) -> str:
    """Horizontal bars, label on the left, value after the bar, about 22 px per row.

    ``max_value`` fixes the scale (to compare several charts); a larger value widens it so nothing
    overflows. ``href[i]`` makes row i a link (unsafe schemes such as javascript: are dropped).
    """
    if not items:
        return _empty(title, empty)
    rows = [(str(label), _pos(v)) for label, v in items]
    values = [_with_unit(v, unit) for _, v in rows]
    value_w = max(_tw(s) for s in values) + 6
    fit = int((WIDTH - 2 * PAD - 6 - value_w - 120) / _tw("x"))
    labels = [_trunc(label, max(8, min(LABEL_CHARS, fit))) for label, _ in rows]
    x0 = PAD + max(_tw(s) for s in labels) + 6
    track = WIDTH - PAD - value_w - x0
    scale = max(_pos(max_value), *(v for _, v in rows)) or 1
    links = [_safe_href(h) for h in href or []]
    out = []
    for i, ((full, v), label, value) in enumerate(zip(rows, labels, values, strict=True)):
        y, w = PAD + i * ROW, round(v / scale * track, 1)
        tip = f"<title>{_text(full)}</title>" if label != full else ""
        row = (
            f'<text x="{_n(x0 - 6)}" y="{_n(y + 15)}" text-anchor="end">{tip}{_text(label)}</text>'
            + _rect(x0, y + (ROW - BAR_H) / 2, w, BAR_H, color)
            + _t(x0 + w + 4, y + 15, value)
        )
        out.append(f'<a href="{_attr(links[i])}">{row}</a>' if i < len(links) and links[i] else row)
    summary = "; ".join(f"{full} {value}" for (full, _), value in zip(rows, values, strict=True))
    role = "group" if any(links) else "img"
    return _svg(2 * PAD + len(rows) * ROW, title, "".join(out), summary, role)


def columns(
    categories: list[str],
    series: list[tuple[str, list[float], str]],
    *,
    title: str,
    stacked: bool = True,
    empty: str = EMPTY,
) -> str:
    """Vertical columns per category; series (name, values, colour) stacked with the total above each
    column, or side by side with each value above its column (when there is room). Legend below."""
    cats = [str(c) for c in categories]
    if not cats or not series:
        return _empty(title, empty)
    n = len(cats)
    data = [
        (str(name), [_pos(v) for v in [*values, *[0] * n][:n]], colour) for name, values, colour in series
    ]
    totals = [sum(vals[i] for _, vals, _ in data) for i in range(n)]
    g = _Grid(cats, 0, max(totals) if stacked else max(max(vals) for _, vals, _ in data))
    out = [g.svg, '<g font-size="11" text-anchor="middle">']
    for i, cx in enumerate(g.centers):
        if stacked:
            w, acc, top = min(40, g.slot * 0.6), 0.0, g.base
            for name, vals, colour in data:
                if vals[i]:
                    acc += vals[i]
                    y = g.y(acc)
                    out.append(_rect(cx - w / 2, y, w, top - y, colour, f"{name}, {cats[i]}: {fmt(vals[i])}"))
                    top = y
            out.append(_t(cx, top - 3, fmt(totals[i])))
            continue
        w = min(24, g.slot * 0.8 / len(data))
        for j, (name, vals, colour) in enumerate(data):
            x, y = cx - len(data) * w / 2 + j * w, g.y(vals[i])
            if vals[i]:
                out.append(_rect(x, y, w - 1, g.base - y, colour, f"{name}, {cats[i]}: {fmt(vals[i])}"))
            if w >= 14:
                out.append(_t(x + w / 2, y - 3, fmt(vals[i]), ' font-size="10"'))
    legend, legend_h = _legend([(name, colour) for name, _, colour in data], g.base + 26)
    out += ["</g>", legend]
    summary = "; ".join(
        f"{c}: " + ", ".join(f"{name} {fmt(vals[i])}" for name, vals, _ in data) for i, c in enumerate(cats)
    )
    return _svg(g.base + 26 + legend_h, title, "".join(out), summary)


def progress(
    value: float,
    target: float,
    *,
    label: str,
    forecast: float | None = None,
    unit: str = "",
    color: str = PALETTE[0],
    forecast_label: str = "Dự báo",
) -> str:
    """Bullet chart: a bar for the value, a line at the target, a lighter bar up to the forecast, and
    "value / target (pct %)" (no percentage when the target is 0). Scale: max(value, target, forecast)."""
    value, target, ahead = _pos(value), _pos(target), _pos(forecast)
    scale = max(value, target, ahead) or 1
    pct = f" ({round(100 * value / target)} %)" if target else ""
    numbers = f"{fmt(value)} / {_with_unit(target, unit)}{pct}"
    x0, track = PAD, WIDTH - 2 * PAD

    def x(v: float) -> float:
        return round(x0 + v / scale * track, 1)

    name = _trunc(label, max(8, int((track - _tw(numbers) - 12) / _tw("x"))))
    out = [
        _t(x0, 14, name),
        _t(WIDTH - PAD, 14, numbers, ' text-anchor="end"'),
        _rect(x0, 22, track, BAR_H, TRACK),
    ]
    height = 46
    if forecast is not None:
        fc_pct = f" ({round(100 * ahead / target)} %)" if target else ""
        out.append(_t(x0, 54, f"{forecast_label}: {_with_unit(ahead, unit)}{fc_pct}", f' fill="{MUTED}"'))
        out.append(_rect(x0, 22, x(ahead) - x0, BAR_H, color, extra=' fill-opacity=".35"'))
        height = 62
    out.append(_rect(x0, 22, x(value) - x0, BAR_H, color))
    if target:
        out.append(f'<path d="M{_n(x(target))} 18V40" stroke="{TARGET}" stroke-width="2"/>')
    return _svg(height, label, "".join(out), numbers)


def share(parts: list[tuple[str, float, str]], *, title: str, empty: str = EMPTY) -> str:
    """One 100 % bar cut into parts (name, count, colour); legend "name: count (pct %)" one per row."""
    if not parts:
        return _empty(title, empty)
    values = [_pos(v) for _, v, _ in parts]
    total, pcts = sum(values), percentages(values)
    track, acc, left = WIDTH - 2 * PAD, 0.0, float(PAD)
    out = [_rect(PAD, PAD, track, 20, TRACK)]
    lines = []
    for (name, _, colour), v, p in zip(parts, values, pcts, strict=True):
        acc += v
        right = round(PAD + acc / total * track, 1) if total else PAD
        if right > left:
            out.append(_rect(left, PAD, right - left, 20, colour))
        left = right
        lines.append((f"{_trunc(name, 40)}: {fmt(v)} ({p} %)", colour))
    for i, (text, colour) in enumerate(lines):
        y = PAD + 30 + i * 18
        out.append(_rect(PAD, y, 10, 10, colour) + _t(PAD + 14, y + 9.5, text))
    summary = "; ".join(text for text, _ in lines)
    return _svg(PAD + 30 + len(lines) * 18 + 4, title, "".join(out), summary)


def line(
    categories: list[str],
    series: list[tuple[str, list[float | None], str]],
    *,
    title: str,
    unit: str = "",
    empty: str = EMPTY,
) -> str:
    """One polyline per series (name, values, colour) with a dot per value; None leaves a gap; the last
    value of each series is written at its right."""
    cats = [str(c) for c in categories]
    n = len(cats)
    data = [
        (str(name), [_num(v) for v in [*values, *[None] * n][:n]], colour) for name, values, colour in series
    ]
    known = [v for _, vals, _ in data for v in vals if v is not None]
    if not cats or not known:
        return _empty(title, empty)
    lasts = [next((i for i in range(n - 1, -1, -1) if vals[i] is not None), None) for _, vals, _ in data]
    texts = [
        _with_unit(vals[i], unit) if i is not None else ""
        for (_, vals, _), i in zip(data, lasts, strict=True)
    ]
    g = _Grid(cats, min(0, *known), max(0, *known), right=max(_tw(s) for s in texts) + 8)
    out, marks = [g.svg], []
    for (_, vals, colour), last, text in zip(data, lasts, texts, strict=True):
        d, dots, pen = [], [], "M"
        for x, v in zip(g.centers, vals, strict=True):
            if v is None:
                pen = "M"
                continue
            d.append(f"{pen}{_n(x)} {_n(g.y(v))}")
            dots.append(f'<circle cx="{_n(x)}" cy="{_n(g.y(v))}" r="2.5"/>')
            pen = "L"
        if d:
            out.append(
                f'<path d="{"".join(d)}" fill="none" stroke="{_attr(colour)}" stroke-width="2" '
                f'stroke-linejoin="round"/><g fill="{_attr(colour)}">{"".join(dots)}</g>'
            )
            marks.append([g.y(vals[last]) + 4, g.centers[last] + 5, text])
    marks.sort()
    for prev, mark in itertools.pairwise(marks):
        mark[0] = max(mark[0], prev[0] + 13)
    out += [_t(x, y, text) for y, x, text in marks]
    legend, legend_h = _legend([(name, colour) for name, _, colour in data], g.base + 26)
    summary = "; ".join(f"{name} {text}" for (name, _, _), text in zip(data, texts, strict=True) if text)
    return _svg(g.base + 26 + legend_h, title, "".join(out) + legend, summary)
