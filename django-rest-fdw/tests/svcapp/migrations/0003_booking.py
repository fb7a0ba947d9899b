import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("svcapp", "0002_place_restaurant")]

    operations = [
        migrations.CreateModel(
            name="Booking",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("restaurant", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, to="svcapp.restaurant")),
                ("guests", models.IntegerField()),
            ],
            options={"ordering": ["id"], "db_table": "svc_booking"},
        ),
    ]
