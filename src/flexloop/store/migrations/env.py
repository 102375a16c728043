"""Alembic environment: runs on the engine the store hands over (no alembic.ini needed)."""

from alembic import context

from flexloop.store.tables import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
