"""Each stamp batch records the id of the key its codes were made with (see stampkeys.py). Every batch
issued so far was made with the one key of the time, OCOP_STAMP_KEY: the keyring's id of that secret, "k1"
unless OCOP_STAMP_KEYS already lists it under another id. No secret is written to the database."""

from django.conf import settings
from django.db import migrations, models


def legacy_key_id(apps, schema_editor):
    from ocop.traceability.stampkeys import LEGACY_ID, parse_keys

    listed = parse_keys(settings.OCOP_STAMP_KEYS) if settings.OCOP_STAMP_KEYS.strip() else []
    key_id = next((k for k, secret in listed if secret == settings.OCOP_STAMP_KEY), None)
    if key_id is None:
        # OCOP_STAMP_KEYS set without the old secret: its first key is the one the batches were made with
        # (a deployment that renamed the variable); otherwise "k1", which OCOP_STAMP_KEY alone stands for.
        key_id = listed[-1][0] if len(listed) == 1 else LEGACY_ID
    apps.get_model("traceability", "StampBatch").objects.update(key_id=key_id)


class Migration(migrations.Migration):
    dependencies = [("traceability", "0002_partition_scan_events")]

    operations = [
        migrations.AddField(
            model_name="stampbatch",
            name="key_id",
            field=models.CharField(default="k1", editable=False, max_length=16, verbose_name="khóa tem"),
            preserve_default=False,
        ),
        migrations.RunPython(legacy_key_id, migrations.RunPython.noop),
    ]
