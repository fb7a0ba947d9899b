"""The Django test modules (tests/<name>/ of Django's source distribution)
the suite runs, and where both sides find them."""

import os

# Django's ORM test modules: DJSUITE_MODULES (space-separated) overrides
DEFAULT_MODULES = [
    "basic", "lookup", "ordering", "pagination", "aggregation", "queries", "update",
    "delete", "get_or_create", "bulk_create", "transactions",
]


def modules():
    """The test modules of this run."""
    names = os.environ.get("DJSUITE_MODULES", "").split()
    return names or list(DEFAULT_MODULES)


def models_of(apps, labels):
    """The models of the apps `labels` that own a table of their own:
    concrete, managed, not proxies, with the auto-created many-to-many
    tables; one per table."""
    seen = set()
    found = []
    for label in labels:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.db_table in seen:
                continue
            seen.add(meta.db_table)
            found.append(model)
    return found
