"""The lookups the ORM and the admin send on a model's table.

needed_lookups(model) lists, per column, the filters and orderings that
Django will put in the SQL of ordinary use: a foreign key's equality (the
related manager) and IN (prefetch_related), the key's IN (prefetching this
model from others), Meta.ordering, and the admin's list_filter,
search_fields, date_hierarchy and sortable list_display columns.
"""

from dataclasses import dataclass

from django.contrib import admin
from django.db import models

TEXT_FIELDS = (models.CharField, models.TextField)


@dataclass(frozen=True)
class Need:
    column: str
    lookup: str  # a django-filter lookup, or "ordering"
    why: str
    text: bool = False


def needed_lookups(model, site=None):
    """The Needs of `model`, without repeats, in a stable order."""
    meta = model._meta
    needs = []
    for field in meta.concrete_fields:
        if field.is_relation:
            needs.append(Need(field.column, "exact", f"{field.name}'s related manager"))
            needs.append(Need(field.column, "in", f"prefetch_related of {field.name}"))
    if any(r.concrete is False and r.is_relation for r in meta.related_objects):
        needs.append(Need(meta.pk.column, "in", "prefetch_related from the models pointing here"))
    for name in meta.ordering or []:
        if isinstance(name, str):
            needs += _ordering(model, name.lstrip("-?"), "Meta.ordering")
    model_admin = (site or admin.site)._registry.get(model)
    if model_admin is not None:
        needs += _admin_needs(model, model_admin)
    unique = []
    for need in needs:
        if need not in unique:
            unique.append(need)
    return unique


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def _ordering(model, name, why):
    field = _field(model, "id" if name == "pk" else name)
    if field is None or not getattr(field, "concrete", False):
        return []
    return [Need(field.column, "ordering", why, isinstance(field, TEXT_FIELDS))]


def _admin_needs(model, model_admin):
    needs = []
    for entry in model_admin.list_filter:
        if isinstance(entry, (list, tuple)):
            entry = entry[0]
        if not isinstance(entry, str):
            continue
        field = _field(model, entry)
        if field is None or not getattr(field, "concrete", False):
            continue
        if isinstance(field, (models.DateField, models.DateTimeField)):
            needs += [Need(field.column, "gte", f"admin list_filter {entry}"),
                      Need(field.column, "lt", f"admin list_filter {entry}")]
        else:
            needs.append(Need(field.column, "exact", f"admin list_filter {entry}"))
    for entry in model_admin.search_fields:
        lookup = {"^": "istartswith", "=": "iexact", "@": None}.get(entry[0], "icontains")
        name = entry.lstrip("^=@")
        field = _field(model, name)
        if lookup and field is not None and getattr(field, "concrete", False):
            needs.append(Need(field.column, lookup, f"admin search_fields {entry}"))
    if model_admin.date_hierarchy:
        field = _field(model, model_admin.date_hierarchy)
        if field is not None:
            needs += [Need(field.column, "gte", "admin date_hierarchy"),
                      Need(field.column, "lt", "admin date_hierarchy")]
    for entry in model_admin.list_display:
        if isinstance(entry, str) and _field(model, entry) is not None:
            needs += _ordering(model, entry, f"admin list_display {entry}")
    return needs
