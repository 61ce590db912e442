"""Alembic environment: migrations run on the connection `lotto_models.storage.engine.migrate` hands over.

On SQLite a migration follows SQLite's own procedure for changing a table's keys: foreign keys off, one
transaction begun here (the driver would begin one only at the first row written, leaving the schema changes
before it outside), the references checked (`PRAGMA foreign_key_check`) before it commits. A table rebuilt to
change its keys is dropped and replaced by its new copy, which the references find again under the same name.
The store's engine turns the foreign keys on again whenever it hands out a connection.
"""

from alembic import context

from lotto_models.storage.schema import metadata

connection = context.config.attributes["connection"]
sqlite = connection.dialect.name == "sqlite"
if sqlite and not connection.connection.dbapi_connection.in_transaction:
    connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # only outside a transaction does SQLite take it
    connection.exec_driver_sql("BEGIN")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
if sqlite:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left rows whose references are broken (table, row, parent): {broken[:5]}")
