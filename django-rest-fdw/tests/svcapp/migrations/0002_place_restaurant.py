import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("svcapp", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Place",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("name", models.CharField(max_length=100)),
            ],
            options={"db_table": "svc_place"},
        ),
        migrations.CreateModel(
            name="Restaurant",
            fields=[
                ("place_ptr", models.OneToOneField(
                    auto_created=True, on_delete=django.db.models.deletion.CASCADE,
                    parent_link=True, primary_key=True, serialize=False, to="svcapp.place")),
                ("seats", models.IntegerField()),
            ],
            options={"db_table": "svc_restaurant"},
            bases=("svcapp.place",),
        ),
    ]
