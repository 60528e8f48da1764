from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.models import Count


def tax_code_duplicates(producer_model) -> list[str]:
    """One line per tax code that more than one producer holds (they must be merged or corrected before
    the tax code can be unique): the code, then each producer's id, name and commune."""
    codes = (
        producer_model.objects.exclude(tax_code="")
        .values("tax_code")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("tax_code", flat=True)
    )
    lines = []
    for code in sorted(codes):
        holders = producer_model.objects.filter(tax_code=code).select_related("commune").order_by("pk")
        lines.append(f"{code}: " + "; ".join(f"{p.public_id} «{p.name}» ({p.commune.name})" for p in holders))
    return lines


def check_tax_codes(apps, schema_editor):
    lines = tax_code_duplicates(apps.get_model("registry", "Producer"))
    if lines:
        raise CommandError(
            "Không thêm được ràng buộc «mỗi mã số thuế một chủ thể»: các mã số thuế sau thuộc nhiều chủ thể. "
            "Hãy gộp hoặc sửa mã số thuế của các chủ thể này (trang quản lý hoặc API), rồi chạy lại "
            "`ocop migrate`.\n" + "\n".join(lines)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0002_load_units"),
        ("registry", "0004_text_field_max_length"),
    ]

    operations = [
        migrations.RunPython(check_tax_codes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="producer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("tax_code", ""), _negated=True),
                fields=("tax_code",),
                name="uniq_producer_tax_code",
                violation_error_message="Mã số thuế này đã là của một chủ thể khác: mỗi chủ thể một mã số thuế.",
            ),
        ),
    ]
