"""Inspection photos tried from the wrong side: what may be uploaded from the phone, what is kept (no
location), where, and who may see it."""

import datetime
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from ocop.accounts.models import Profile, Role
from ocop.core.errors import OcopError
from ocop.evaluation import services as evaluation
from ocop.monitoring import services
from ocop.monitoring.models import Finding, FindingPhoto
from ocop.registry.models import Producer
from ocop.testing import PASSWORD

TODAY = timezone.localdate()


def gps_jpeg(size=(4000, 3000)) -> bytes:
    image = Image.new("RGB", size, (90, 140, 60))
    exif = Image.Exif()
    exif[0x010F] = "Samsung"  # Make
    exif[0x8825] = {1: "N", 2: (22.0, 23.0, 45.6), 3: "E", 4: (103.0, 27.0, 12.3)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def visit(lai_chau_product, lai_chau_officer, lai_chau_producer):
    evaluation.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-LC-9",
        star=4,
        decision_number="QĐ 9/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=100),
    )
    campaign = services.campaign_create(
        actor=lai_chau_officer,
        province_id=12,
        name="Kiểm tra đột xuất",
        kind="unannounced",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=10),
        team="Sở NN&MT",
        producers=[lai_chau_producer],
    )
    return campaign.inspections.get()


def record(visit, inspector, *photos):
    return services.finding_record(
        actor=inspector,
        inspection=visit,
        product=visit.producer.products.get(),
        item="stamped",
        severity="minor",
        note="Tem dán lệch",
        remediation="Dán lại tem",
        photos=list(photos),
    )


def test_phone_photo_is_kept_without_location_outside_media(settings, visit, inspector):
    data = gps_jpeg()
    f = record(visit, inspector, SimpleUploadedFile("IMG_1.jpg", data, content_type="image/jpeg"))
    photo = f.photos.get()
    path = Path(settings.OCOP_PRIVATE_ROOT) / photo.image.name
    kept = path.read_bytes()
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG" and max(image.size) == 2048 and not image.getexif()
    assert b"Exif" not in kept and b"Samsung" not in kept
    assert photo.image.name.startswith(f"findings/{f.public_id}/") and "IMG_1" not in photo.image.name
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.jpg"))


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"<html><script>alert(1)</script></html>", "anh.jpg", "file_markup"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "anh.svg",
            "file_markup",
        ),
        (b"%PDF-1.4\n%%EOF\n", "anh.jpg", "file_not_allowed"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "IMG_2.HEIC", "file_heic"),
        (b"\xff\xd8\xff\xe0 truncated", "anh.jpg", "file_image_unreadable"),
    ],
)
def test_refused_photo_records_nothing(settings, visit, inspector, data, name, code):
    good = SimpleUploadedFile("ok.jpg", gps_jpeg((40, 30)))
    with pytest.raises(OcopError) as e:
        record(visit, inspector, good, SimpleUploadedFile(name, data, content_type="image/jpeg"))
    assert e.value.code == code and e.value.field == "photos" and name in e.value.message
    assert not Finding.objects.exists() and not FindingPhoto.objects.exists()
    root = Path(settings.OCOP_PRIVATE_ROOT)
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_photo_size_limit_names_the_limit(settings, visit, inspector):
    settings.OCOP_UPLOAD_MAX_MB = {**settings.OCOP_UPLOAD_MAX_MB, "photo": 1}
    big = gps_jpeg((40, 30)) + b"\x00" * (1024 * 1024)
    with pytest.raises(OcopError) as e:
        record(visit, inspector, SimpleUploadedFile("to.jpg", big))
    assert e.value.code == "file_too_large" and "1 MB" in e.value.message
    assert not Finding.objects.exists()


def test_who_sees_the_photo(
    client, visit, inspector, lai_chau_officer, son_la_officer, producer_user, national, outsider
):
    f = record(visit, inspector, SimpleUploadedFile("a.jpg", gps_jpeg((64, 48))))
    url = f"/quan-ly/giam-sat/phat-hien/{f.public_id}/anh/{f.photos.get().pk}/"
    rival = get_user_model().objects.create_user("chuthekhac", password=PASSWORD)
    other = Producer.objects.create(name="HTX khác", type="htx", commune=visit.producer.commune)
    Profile.objects.create(user=rival, role=Role.PRODUCER, producer=other)
    far_inspector = get_user_model().objects.create_user("thanhtrasonla", password=PASSWORD)
    Profile.objects.create(user=far_inspector, role=Role.INSPECTOR, province_id=14)
    for user, status in [
        (inspector, 200),
        (lai_chau_officer, 200),
        (national, 200),
        (producer_user, 200),  # the producer inspected sees its finding and the photos on it
        (son_la_officer, 404),
        (far_inspector, 404),
        (rival, 404),
        (outsider, 404),
    ]:
        client.force_login(user)
        r = client.get(url)
        assert r.status_code == status, user.username
    client.force_login(inspector)
    r = client.get(url)
    assert r["Content-Type"] == "image/jpeg" and r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"] == f'inline; filename="{f.public_id}-{f.photos.get().pk}.jpg"'
    assert client.get(f"/media/{f.photos.get().image.name}").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
