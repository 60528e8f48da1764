from django.db import migrations


def load(apps, schema_editor):
    from ocop.registry.services import taxonomy_load

    taxonomy_load(apps)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
