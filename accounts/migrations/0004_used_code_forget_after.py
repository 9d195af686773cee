from datetime import timedelta

from django.db import migrations, models
from django.db.models import F


def keep_existing_a_day(apps, schema_editor):
    # Rows written before held the time of use; a day covers every window a code or assertion could still have.
    used_code = apps.get_model("accounts", "UsedCode")
    used_code.objects.using(schema_editor.connection.alias).update(forget_after=F("forget_after") + timedelta(days=1))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_event_history")]

    operations = [
        migrations.RenameField(model_name="usedcode", old_name="time", new_name="forget_after"),
        migrations.AlterField(model_name="usedcode", name="forget_after", field=models.DateTimeField(db_index=True)),
        migrations.RunPython(keep_existing_a_day, migrations.RunPython.noop, hints={"model_name": "usedcode"}),
    ]
