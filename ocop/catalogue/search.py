"""The catalogue search: one table (Listing) and its full-text index, in plain SQL per database.

Words are folded with the same function as the indexed columns (no diacritics, đ→d, lower case) and each
word matches as a prefix of a word ("mat ong dien bi" finds "Mật ong hoa ban — HTX Ong mật Điện Biên"), so
SQLite (FTS5, bm25) and PostgreSQL (tsvector, ts_rank) return the same products, ranked by where the words
are found: name, then producer, then place, then the rest. When no product has every word, products with
any of them are offered instead (`partial`)."""

import datetime
import math
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection

from ocop.core.textfold import fold_words

PER_PAGE = 24
SORTS = ("relevance", "star", "name", "new")
CHANNELS = ("online", "store")


@dataclass(frozen=True)
class Query:
    text: str = ""
    province: int | None = None
    commune: int | None = None
    star: int | None = None
    sector: str = ""
    group: int | None = None
    set_number: int | None = None
    producer_type: str = ""
    channel: str = ""
    producer: int | None = None
    sort: str = ""
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def words(self) -> list[str]:
        return fold_words(self.text).split()[:12]


class Item(NamedTuple):
    product_id: int
    public_id: str
    name: str
    producer_name: str
    producer_public_id: str
    province_id: int
    province_name: str
    commune_name: str
    star: int
    photo: str
    valid_until: datetime.date | None
    ecommerce: int
    sales_points: int


COLUMNS = ", ".join(f"l.{c}" for c in Item._fields)


@dataclass
class Result:
    items: list[Item]
    total: int
    by_star: dict[int, int]
    page: int
    pages: int
    partial: bool = False


def _filters(q: Query, today: datetime.date) -> tuple[list[str], list]:
    where, params = ["l.listed_until >= %s"], [today]
    for column, value in (
        ("province_id", q.province),
        ("commune_id", q.commune),
        ("sector_code", q.sector or None),
        ("group_id", q.group),
        ("set_number", q.set_number),
        ("producer_type", q.producer_type or None),
        ("producer_id", q.producer),
    ):
        if value is not None:
            where.append(f"l.{column} = %s")
            params.append(value)
    if q.channel == "online":
        where.append("l.ecommerce > 0")
    elif q.channel == "store":
        where.append("l.sales_points > 0")
    return where, params


def _match(words: list[str], any_word: bool) -> tuple[str, str, str, list]:
    """(join, where, rank order, params) of the full-text part for this database."""
    if connection.vendor == "postgresql":
        joiner = " | " if any_word else " & "
        tsquery = joiner.join(f"'{w}':*" for w in words)  # words are [0-9a-z_] only after folding
        return (
            "CROSS JOIN to_tsquery('simple', %s) tq",
            "l.search @@ tq",
            "ts_rank(l.search, tq, 0) DESC",
            [tsquery],
        )
    joiner = " OR " if any_word else " "
    fts = joiner.join(f'"{w}"*' for w in words)
    return (
        "JOIN catalogue_listing_fts f ON f.rowid = l.product_id",
        "catalogue_listing_fts MATCH %s",
        "bm25(catalogue_listing_fts, 10.0, 4.0, 2.0, 1.0)",
        [fts],
    )


ORDER = {
    "star": "l.star DESC, l.name_folded, l.product_id",
    "name": "l.name_folded, l.product_id",
    "new": "l.recognised_on DESC NULLS LAST, l.product_id DESC",
}


def search(q: Query, *, today: datetime.date | None = None) -> Result:
    """One page of products: a star facet query (which also gives the total), then the page query."""
    today = today or datetime.date.today()
    words = q.words
    result = _run(q, words, today, any_word=False)
    if result.total == 0 and len(words) > 1:
        result = _run(q, words, today, any_word=True)
        result.partial = result.total > 0
    return result


def _run(q: Query, words: list[str], today: datetime.date, *, any_word: bool) -> Result:
    where, params = _filters(q, today)
    join, rank = "", ""
    head_params: list = []
    if words:
        join, match_where, rank, head_params = _match(words, any_word)
        where.insert(0, match_where)
    # The star facet ignores the star filter so every chip can show its count.
    facet_sql = (
        f"SELECT l.star, COUNT(*) FROM catalogue_listing l {join} WHERE {' AND '.join(where)} GROUP BY l.star"
    )
    facet_params = head_params + params
    if q.star is not None:
        where.append("l.star = %s")
        params = [*params, q.star]
    sort = q.sort if q.sort in SORTS else ("relevance" if words else "new")
    if sort == "relevance":
        order = f"{rank}, l.star DESC, l.product_id" if rank else ORDER["new"]
    else:
        order = ORDER[sort]
    page_sql = (
        f"SELECT {COLUMNS} FROM catalogue_listing l {join} WHERE {' AND '.join(where)} "
        f"ORDER BY {order} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(facet_sql, facet_params)
        by_star = {int(s): n for s, n in cursor.fetchall()}
        total = by_star.get(q.star, 0) if q.star is not None else sum(by_star.values())
        pages = max(1, math.ceil(total / q.per_page))
        page = min(max(1, q.page), pages)
        page_params = head_params + params + [q.per_page, (page - 1) * q.per_page]
        cursor.execute(page_sql, page_params)
        items = [Item(*row) for row in cursor.fetchall()]
    return Result(
        items=items,
        total=total,
        by_star=by_star,
        page=page,
        pages=pages,
    )
