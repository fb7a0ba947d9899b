"""The catalog app: authors and books (moved to the catalog service)."""
