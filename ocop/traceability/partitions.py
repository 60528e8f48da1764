"""PostgreSQL: the scan log as a table partitioned by month, so national volume stays manageable
(old months are detached or dropped whole, indexes stay small). SQLite keeps a plain table."""

import datetime

from django.db import connection

TABLE = "traceability_scanevent"

CREATE = f"""
DROP TABLE IF EXISTS {TABLE};
CREATE TABLE {TABLE} (
    id bigserial NOT NULL,
    scanned_at timestamp with time zone NOT NULL,
    stamp bigint NULL,
    batch_ref integer NULL,
    product_ref integer NULL,
    province_ref smallint NULL CHECK (province_ref >= 0),
    verdict varchar(12) NOT NULL,
    reasons varchar(200) NOT NULL,
    fingerprint varchar(16) NOT NULL,
    place_province smallint NULL CHECK (place_province >= 0),
    lat double precision NULL,
    lon double precision NULL,
    PRIMARY KEY (id, scanned_at)
) PARTITION BY RANGE (scanned_at);
CREATE INDEX scan_stamp_time ON {TABLE} (stamp, scanned_at);
CREATE INDEX scan_province_time ON {TABLE} (province_ref, scanned_at);
CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT;
"""


def _month(d: datetime.date, k: int) -> datetime.date:
    m = d.month - 1 + k
    return datetime.date(d.year + m // 12, m % 12 + 1, 1)


def ensure_partitions(today: datetime.date | None = None, ahead: int = 3, behind: int = 1) -> list[str]:
    """Create the monthly partitions from `behind` months ago to `ahead` months on (idempotent; run daily).
    Rows that fell into the default partition for a month are moved into its new partition."""
    if connection.vendor != "postgresql":
        return []
    today = today or datetime.date.today()
    created = []
    with connection.cursor() as cur:
        for k in range(-behind, ahead + 1):
            start, end = _month(today, k), _month(today, k + 1)
            name = f"{TABLE}_y{start.year}m{start.month:02d}"
            cur.execute("SELECT to_regclass(%s)", [name])
            if cur.fetchone()[0]:
                continue
            # A month's rows may already sit in the default partition: move them across in one go.
            cur.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cur.execute(
                f"WITH moved AS (DELETE FROM {TABLE}_default WHERE scanned_at >= %s AND scanned_at < %s "
                f"RETURNING *) INSERT INTO {name} SELECT * FROM moved",
                [start, end],
            )
            cur.execute(
                f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM ('{start}') TO ('{end}')"
            )
            created.append(name)
    return created


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE])
        return cur.fetchone()[0] == 1
