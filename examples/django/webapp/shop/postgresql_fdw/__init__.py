"""A PostgreSQL database backend for a database whose tables may be foreign
tables (see base.py)."""
