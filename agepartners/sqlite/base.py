"""SQLite for the embedded default (`make run` without DATABASE_URL).

PostgreSQL stays the real database (production and the test suite). On SQLite the
migrations must still run, so indexes only PostgreSQL can build (GIN indexes for
full-text search) are left out; everything else is Django's own SQLite backend.
"""
from __future__ import annotations

from typing import Any

from django.contrib.postgres.indexes import PostgresIndex
from django.db.backends.sqlite3 import base, schema


def _postgres_only(index: Any) -> bool:
    return isinstance(index, PostgresIndex)


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _model_indexes_sql(self, model: Any) -> list[Any]:
        skip = {f'"{index.name}"' for index in model._meta.indexes if _postgres_only(index)}
        statements = super()._model_indexes_sql(model)  # type: ignore[misc]  # private: not in django-stubs
        return [s for s in statements if str(getattr(s, "parts", {}).get("name", "")) not in skip]

    def add_index(self, model: Any, index: Any, **kwargs: Any) -> None:
        if not _postgres_only(index):
            super().add_index(model, index, **kwargs)

    def remove_index(self, model: Any, index: Any, **kwargs: Any) -> None:
        if not _postgres_only(index):
            super().remove_index(model, index, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
