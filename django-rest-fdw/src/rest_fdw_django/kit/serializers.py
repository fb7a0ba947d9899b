"""Serializers whose JSON member names are the model's column names and
that accept a client-supplied id on create."""

from django.core.management.color import no_style
from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin
from rest_framework import serializers, status
from rest_framework.exceptions import APIException


class Conflict(APIException):
    """409: the id a client supplied is taken."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "An object with this id already exists."
    default_code = "conflict"


class ClientIdSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose `id` a client may supply on create (as
    rest_fdw.move_table does): a taken id is a 409, and after an explicit
    id the table's sequence moves past it, as Django's loaddata does."""

    def validate_id(self, value):
        if self.instance is not None:
            if value != self.instance.pk:
                raise serializers.ValidationError("The id cannot be changed.")
        elif self.Meta.model._default_manager.filter(pk=value).exists():
            raise Conflict()
        return value

    def create(self, validated_data):
        if self.Meta.model._meta.parents:
            return self._save_own_table(self.Meta.model(**validated_data), force_insert=True)
        obj = super().create(validated_data)
        if self.Meta.model._meta.pk.attname in validated_data:
            move_sequence_past(self.Meta.model)
        return obj

    def update(self, instance, validated_data):
        if not self.Meta.model._meta.parents:
            return super().update(instance, validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self._save_own_table(instance)

    def _save_own_table(self, obj, force_insert=False):
        """Save the row of a multi-table inheritance child's own table only
        (raw: its parents' rows are the parent resource's to write)."""
        obj.save_base(raw=True, force_insert=force_insert)
        return obj


def serializer_for(model, base=ClientIdSerializer):
    """A serializer of every column of `model`'s table (a multi-table
    inheritance child's own, not its parents'), each named after its
    column (foreign keys as `<name>_id`), the key writable on create, text
    kept as sent."""
    meta = model._meta
    attrs = {}
    names = []
    extra_kwargs = {}
    for field in meta.local_concrete_fields:
        names.append(field.attname)
        if type(field) in (models.CharField, models.TextField) and not field.choices:
            # the table's text as the client sends it: DRF would strip its
            # leading and trailing spaces and refuse "" where the model
            # says blank=False, which the database itself accepts
            extra_kwargs[field.attname] = {"trim_whitespace": False, "allow_blank": True}
        if field.primary_key and isinstance(field, (models.AutoField, models.BigAutoField,
                                                    models.SmallAutoField)):
            attrs[field.attname] = serializers.IntegerField(required=False, min_value=1)
        elif field.is_relation:
            attrs[field.attname] = serializers.PrimaryKeyRelatedField(
                source=field.name,
                queryset=field.related_model._default_manager.all(),
                allow_null=field.null,
                required=not (field.null or field.has_default()),
            )
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": names,
                                      "extra_kwargs": extra_kwargs})
    return type(f"{model.__name__}Serializer", (base,), attrs)


def move_sequence_past(model):
    """After a row was created with a client's id: the model's id sequence
    past the largest id, and never back (an id it gave out stays given, as
    in a local table: rest_fdw's undo re-creates a deleted row under its
    old id, which must not make the next row reuse a later one).  A key
    that is not an AutoField has no sequence."""
    if not isinstance(model._meta.pk, AutoFieldMixin):
        return
    connection = connections[router.db_for_write(model)]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(sql)
            return
        qn = connection.ops.quote_name
        table, column = model._meta.db_table, model._meta.pk.column
        cursor.execute(
            "SELECT setval(seq, greatest(top, coalesce(pg_sequence_last_value(seq), 0))) "
            f"FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq, "
            f"(SELECT max({qn(column)}) FROM {qn(table)}) AS top) AS s "
            "WHERE seq IS NOT NULL AND top IS NOT NULL",
            [qn(table), column],
        )
