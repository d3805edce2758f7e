"""The tsvector column and its GIN index, on PostgreSQL only.

SQLite has no tsvector; there the PostgreSQL engine is never used and the table just
stays without the column.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE search_searchentry ADD COLUMN tsv tsvector",
    "CREATE INDEX search_searchentry_tsv_gin ON search_searchentry USING gin (tsv)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_searchentry_tsv_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS tsv",
]


class PostgresOnlySQL(migrations.operations.base.Operation):
    reduces_to_sql = True
    reversible = True

    def __init__(self, forward, backward):
        self.forward, self.backward = forward, backward

    def state_forwards(self, app_label, state):
        pass

    def _run(self, schema_editor, statements):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, self.forward)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, self.backward)

    def describe(self):
        return "tsvector column and GIN index (PostgreSQL only)"


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [PostgresOnlySQL(FORWARD, BACKWARD)]
