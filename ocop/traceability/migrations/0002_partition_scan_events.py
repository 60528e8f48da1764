from django.db import migrations


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from ocop.traceability.partitions import CREATE, ensure_partitions

    schema_editor.execute(CREATE)
    ensure_partitions()


class Migration(migrations.Migration):
    dependencies = [("traceability", "0001_initial")]
    operations = [migrations.RunPython(partition, migrations.RunPython.noop)]
