"""One Item model per peer, all with the same fields.

ItemLocal, ItemPgfdw, ItemRestDrf and ItemRestNginx are tables of the
webapp's database ("bench"): a heap table, a postgres_fdw table and two
rest_fdw tables.  ItemApi is a django-rest-models model: its queries go to
the DRF service's dynamic-rest API (/dyn/items/) through the "api" database.
"""
from django.db import models


class ItemBase(models.Model):
    id = models.BigIntegerField(primary_key=True)
    name = models.TextField()
    price = models.DecimalField(max_digits=8, decimal_places=2)
    created = models.DateTimeField()
    active = models.BooleanField()
    category_id = models.BigIntegerField()

    class Meta:
        abstract = True
        managed = False


class ItemLocal(ItemBase):
    class Meta(ItemBase.Meta):
        db_table = "items_local"


class ItemPgfdw(ItemBase):
    class Meta(ItemBase.Meta):
        db_table = "items_pgfdw"


class ItemRestDrf(ItemBase):
    class Meta(ItemBase.Meta):
        db_table = "items_drf"


class ItemRestNginx(ItemBase):
    class Meta(ItemBase.Meta):
        db_table = "items_nginx"


class ItemApi(ItemBase):
    class Meta(ItemBase.Meta):
        db_table = "item"

    class APIMeta:
        db_name = "api"
        resource_path = "items"
        resource_name = "item"
        resource_name_plural = "items"
