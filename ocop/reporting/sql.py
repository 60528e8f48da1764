"""The dashboard's aggregate queries, written as SQL.

The ORM spent about a millisecond building each of these statements, which is more than a province's
statements take to run (benchmarks/dashboard.py). So the dashboard sends them as text. The same text runs on
SQLite (3.30 or newer, for FILTER) and on PostgreSQL, and the tests run it on both.

Each function takes a `Where`: the WHERE clause for the rows counted, with its parameters. The clause is
built from the area (`place`) and the period (`in_force` / `recognised_in`). Values always go in as
parameters, never into the text.

On PostgreSQL each statement also costs a round trip, and in a request the server has gone cold in the
meantime: a statement sent after a millisecond of Python takes about 0.4 ms longer than the same statement
sent straight after another one. So figures that share a table, or that come back as one row each, are asked
for in one statement (`figures`, `standing`)."""

import datetime
from dataclasses import dataclass

from django.db import connection

from ocop.evaluation.models import DECIDED, Kind


@dataclass(frozen=True)
class Where:
    """A WHERE clause over a table with the place columns province_id and commune_id."""

    sql: str = "1 = 1"
    params: tuple = ()

    def also(self, sql: str, *params) -> "Where":
        return Where(f"{self.sql} AND {sql}", self.params + params)

    def __and__(self, other: "Where") -> "Where":
        return self.also(other.sql, *other.params)


def place(area) -> Where:
    """The area (stats.Area) as a clause on a table with the place columns province_id and commune_id."""
    if area.commune:
        return Where("commune_id = %s", (area.commune.pk,))
    if area.province:
        return Where("province_id = %s", (area.province.pk,))
    return Where()


def commune_place(area) -> Where:
    """The area as a clause on geo_commune joined as c (its own key is `code`)."""
    if area.commune:
        return Where("c.code = %s", (area.commune.pk,))
    if area.province:
        return Where("c.province_id = %s", (area.province.pk,))
    return Where()


def day(value: datetime.date):
    return connection.ops.adapt_datefield_value(value)


IN_FORCE = "starts_on <= %s AND ends_on >= %s"


def in_force(on: datetime.date) -> Where:
    return Where(IN_FORCE, (day(on), day(on)))


def recognised_in(year: int) -> Where:
    """Recognised by a decision in the year, once per product (its last recognition of the year)."""
    return Where("year = %s AND last_of_year = %s", (year, True))


def rows(sql: str, params: tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def as_date(value) -> datetime.date | None:
    """A date column read through the cursor: SQLite gives text, PostgreSQL a date."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


REEVALUATING = (
    "EXISTS (SELECT 1 FROM evaluation_dossier d WHERE d.product_id = r.product_id AND d.kind = %s"
    " AND d.state NOT IN (%s, %s))"
)
REEVALUATING_PARAMS = (Kind.REEVALUATION.value, *(s.value for s in DECIDED))


def groups(where: Where) -> list[tuple]:
    """(star, sector code, producer type, set number, rows): a few hundred groups at most."""
    return rows(
        "SELECT star, sector_code, producer_type, set_number, COUNT(*) FROM reporting_recognition"
        f" WHERE {where.sql} GROUP BY star, sector_code, producer_type, set_number",
        where.params,
    )


def figures(
    area: Where,
    period: Where,
    year_ends: list[datetime.date] = (),
    listed_on: datetime.date | None = None,
    ending: tuple[datetime.date, datetime.date] | None = None,
) -> dict:
    """The area's one-row figures in one statement: producers and communes (distinct) and the producers and
    products led by women / ethnic minorities among the rows in `period`; the rows in force on each day of
    `year_ends` ("in_force", a list); with `listed_on`, the catalogue's rows listed that day and those with a
    shop link ("listed", "online"); with `ending` (day, until), the rows in force on the day whose certificate
    ends by `until` ("ending"). Each part is its own aggregate with its own WHERE (so each keeps its index),
    the parts cross-joined."""
    counted = area & period
    parts = [
        (
            "SELECT COUNT(DISTINCT producer_id) AS producers, COUNT(DISTINCT commune_id) AS communes,"
            " COUNT(DISTINCT producer_id) FILTER (WHERE rep_female = %s) AS female,"
            " COUNT(DISTINCT producer_id) FILTER (WHERE rep_ethnic_minority = %s) AS ethnic,"
            " COUNT(*) FILTER (WHERE rep_female = %s) AS female_products,"
            " COUNT(*) FILTER (WHERE rep_ethnic_minority = %s) AS ethnic_products"
            f" FROM reporting_recognition WHERE {counted.sql}",
            (True, True, True, True, *counted.params),
        )
    ]
    if year_ends:
        columns = ", ".join(f"COUNT(*) FILTER (WHERE {IN_FORCE}) AS y{i}" for i in range(len(year_ends)))
        ends = tuple(p for d in year_ends for p in (day(d), day(d)))
        parts.append((f"SELECT {columns} FROM reporting_recognition WHERE {area.sql}", ends + area.params))
    if ending is not None:
        on, until = ending
        parts.append(
            (
                f"SELECT COUNT(*) AS ending FROM reporting_recognition WHERE {area.sql} AND {IN_FORCE}"
                " AND ends_on <= %s",
                (*area.params, day(on), day(on), day(until)),
            )
        )
    if listed_on is not None:
        parts.append(
            (
                "SELECT COUNT(*) AS listed, COUNT(*) FILTER (WHERE ecommerce > 0) AS online"
                f" FROM catalogue_listing WHERE {area.sql} AND listed_until >= %s",
                (*area.params, day(listed_on)),
            )
        )
    text = " CROSS JOIN ".join(f"({sql}) p{i}" for i, (sql, _) in enumerate(parts))
    (values,) = rows(f"SELECT * FROM {text}", tuple(p for _, params in parts for p in params))
    keys = ["producers", "communes", "female", "ethnic", "female_products", "ethnic_products"]
    result = dict(zip(keys, values, strict=False))
    more = iter(values[len(keys) :])
    result["in_force"] = [next(more) for _ in year_ends]
    if ending is not None:
        result["ending"] = next(more)
    if listed_on is not None:
        result["listed"], result["online"] = next(more), next(more)
    return result


def kinds_per_year(where: Where) -> list[tuple]:
    """(year, kind, products): recognitions by kind, a product once a year at its last recognition."""
    return rows(
        "SELECT year, kind, COUNT(*) FROM reporting_recognition"
        f" WHERE {where.sql} AND last_of_year = %s AND year IS NOT NULL GROUP BY year, kind",
        (*where.params, True),
    )


def ending(where: Where, limit: int) -> list[dict]:
    """The first `limit` rows counted, soonest end first, with the product, its commune and whether a
    re-evaluation is under way (figures(ending=…) counts them all)."""
    found = rows(
        f"SELECT p.public_id, p.name, c.name, r.star, r.ends_on, {REEVALUATING}"
        f" FROM (SELECT product_id, star, ends_on FROM reporting_recognition WHERE {where.sql}) r"
        " JOIN registry_product p ON p.id = r.product_id JOIN geo_commune c ON c.code = p.commune_id"
        " ORDER BY r.ends_on, p.name LIMIT %s",
        (*REEVALUATING_PARAMS, *where.params, limit),
    )
    return [
        {
            "public_id": public_id,
            "name": name,
            "commune": commune,
            "star": star,
            "ends_on": as_date(ends_on),
            "reevaluating": bool(reevaluating),
        }
        for public_id, name, commune, star, ends_on, reevaluating in found
    ]


def per_place(where: Where, column: str, *, communes: bool) -> dict[int, int]:
    """Rows (or, with communes=True, distinct communes) per value of `column` (province_id, commune_id)."""
    if column not in ("province_id", "commune_id"):
        raise ValueError(column)
    counted = "COUNT(DISTINCT commune_id)" if communes else "COUNT(*)"
    return dict(
        rows(
            f"SELECT {column}, {counted} FROM reporting_recognition WHERE {where.sql} GROUP BY {column}",
            where.params,
        )
    )


def targets(province_id: int | None, year: int) -> list[tuple[str, int]]:
    """(measure, value) of a province's targets for the year (the country's without a province)."""
    where = "province_id IS NULL" if province_id is None else "province_id = %s"
    params = () if province_id is None else (province_id,)
    return rows(
        f"SELECT measure, value FROM reporting_target WHERE {where} AND year = %s ORDER BY measure",
        (*params, year),
    )


def standing(counted: Where, end: datetime.date, communes: Where, pipeline: list[str]) -> dict:
    """For target forecasts, in one statement: the rows counted, the 4–5★ ones, their distinct communes, the
    rows (all / 4–5★) whose certificate ends before `end` with no re-evaluation under way; and the dossiers
    of the area's products (`communes`: commune_place) — first evaluations in the `pipeline` states,
    recognised, not recognised."""
    keys = ("in_force", "four_star", "communes", "lost", "lost_four", "pipeline", "passed", "failed")
    marks = ", ".join(["%s"] * len(pipeline))
    recognised, refused = (s.value for s in DECIDED)
    (values,) = rows(
        "SELECT * FROM (SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE star >= 4) AS four,"
        " COUNT(DISTINCT commune_id) AS communes,"
        " COUNT(*) FILTER (WHERE ends_on < %s AND NOT reevaluating) AS lost,"
        " COUNT(*) FILTER (WHERE ends_on < %s AND NOT reevaluating AND star >= 4) AS lost_four"
        f" FROM (SELECT r.star, r.commune_id, r.ends_on, {REEVALUATING} AS reevaluating"
        f" FROM reporting_recognition r WHERE {counted.sql}) s) f CROSS JOIN ("
        f"SELECT COUNT(*) FILTER (WHERE d.kind = %s AND d.state IN ({marks})) AS pipeline,"
        " COUNT(*) FILTER (WHERE d.state = %s) AS passed, COUNT(*) FILTER (WHERE d.state = %s) AS failed"
        " FROM evaluation_dossier d JOIN registry_product p ON p.id = d.product_id"
        f" JOIN geo_commune c ON c.code = p.commune_id WHERE {communes.sql}) d",
        (
            day(end),
            day(end),
            *REEVALUATING_PARAMS,
            *counted.params,
            Kind.FIRST.value,
            *pipeline,
            recognised,
            refused,
            *communes.params,
        ),
    )
    return dict(zip(keys, values, strict=True))


def outcomes(where: Where, year: int) -> list[tuple]:
    """(province, revenue, jobs, average income, first year recognised, revenue the year before it) for each
    producer's report of the year. `where` is on the producer's commune, joined as c (commune_place)."""
    return rows(
        "SELECT s.province_id, s.revenue, s.jobs, s.avg_income, s.first_year, b.revenue FROM ("
        " SELECT c.province_id, o.producer_id, o.revenue, o.jobs, o.avg_income,"
        "  (SELECT MIN(r.year) FROM reporting_recognition r WHERE r.producer_id = o.producer_id)"
        "  AS first_year"
        " FROM reporting_outcome o JOIN registry_producer p ON p.id = o.producer_id"
        f" JOIN geo_commune c ON c.code = p.commune_id WHERE o.year = %s AND {where.sql}) s"
        " LEFT JOIN reporting_outcome b ON b.producer_id = s.producer_id AND b.year = s.first_year - 1",
        (year, *where.params),
    )
