"""The catalogue's search index, per database: FTS5 on SQLite, a weighted tsvector on PostgreSQL."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE catalogue_listing_fts USING fts5(
        name, producer, place, other,
        content='catalogue_listing', content_rowid='product_id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER catalogue_listing_fts_ai AFTER INSERT ON catalogue_listing BEGIN
        INSERT INTO catalogue_listing_fts(rowid, name, producer, place, other)
        VALUES (new.product_id, new.name_folded, new.producer_folded, new.place_folded, new.other_folded);
    END""",
    """CREATE TRIGGER catalogue_listing_fts_ad AFTER DELETE ON catalogue_listing BEGIN
        INSERT INTO catalogue_listing_fts(catalogue_listing_fts, rowid, name, producer, place, other)
        VALUES ('delete', old.product_id, old.name_folded, old.producer_folded, old.place_folded, old.other_folded);
    END""",
    """CREATE TRIGGER catalogue_listing_fts_au AFTER UPDATE ON catalogue_listing BEGIN
        INSERT INTO catalogue_listing_fts(catalogue_listing_fts, rowid, name, producer, place, other)
        VALUES ('delete', old.product_id, old.name_folded, old.producer_folded, old.place_folded, old.other_folded);
        INSERT INTO catalogue_listing_fts(rowid, name, producer, place, other)
        VALUES (new.product_id, new.name_folded, new.producer_folded, new.place_folded, new.other_folded);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER catalogue_listing_fts_au",
    "DROP TRIGGER catalogue_listing_fts_ad",
    "DROP TRIGGER catalogue_listing_fts_ai",
    "DROP TABLE catalogue_listing_fts",
]

# The folded columns are already lower case without diacritics and with đ→d (textfold.fold_words, the same
# function that folds the query), so the 'simple' configuration is right and unaccent is not needed; the weights rank a match in the name above one in the producer, the place, the rest.
POSTGRES = [
    """ALTER TABLE catalogue_listing ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', name_folded), 'A') ||
        setweight(to_tsvector('simple', producer_folded), 'B') ||
        setweight(to_tsvector('simple', place_folded), 'C') ||
        setweight(to_tsvector('simple', other_folded), 'D')) STORED""",
    "CREATE INDEX catalogue_listing_search ON catalogue_listing USING gin (search)",
]
POSTGRES_REVERSE = [
    "DROP INDEX catalogue_listing_search",
    "ALTER TABLE catalogue_listing DROP COLUMN search",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
