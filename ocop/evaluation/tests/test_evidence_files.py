"""Evidence files tried from the wrong side: who may download them, what may be uploaded, where the bytes
end up, and the move of files stored before under the public media folder."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from ocop.accounts.models import Profile, Role
from ocop.core.audit import history
from ocop.core.errors import OcopError
from ocop.evaluation import services
from ocop.evaluation.models import Evidence
from ocop.registry.models import Producer
from ocop.testing import PASSWORD


def _pdf(catalog: bytes) -> bytes:
    """The smallest readable PDF: one object, the xref table, the trailer."""
    head = b"%PDF-1.4\n"
    body = b"1 0 obj\n" + catalog + b"\nendobj\n"
    return (
        head
        + body
        + b"xref\n0 2\n0000000000 65535 f \n%010d 00000 n \n" % len(head)
        + b"trailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(head) + len(body))
    )


PDF = _pdf(b"<< /Type /Catalog >>")
EXE = b"MZ\x90\x00\x03" + b"\x00" * 60 + b"This program cannot be run in DOS mode.\r\n"
PDF_JS = _pdf(b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (x) >> >>")


def gps_jpeg() -> bytes:
    """A phone photo: JPEG with the camera model and the GPS position in its EXIF."""
    image = Image.new("RGB", (3000, 2000), (180, 150, 90))
    exif = Image.Exif()
    exif[0x0110] = "iPhone 15"  # Model
    exif[0x8825] = {1: "N", 2: (22.0, 23.0, 45.6), 3: "E", 4: (103.0, 27.0, 12.3)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def dossier(lai_chau_product, producer_user):
    return services.dossier_create(actor=producer_user, product=lai_chau_product)


def add(dossier, actor, data: bytes, name: str):
    return services.evidence_add(
        actor=actor, dossier=dossier, criterion="1.1", file=SimpleUploadedFile(name, data), name=name
    )


def refused(dossier, actor, data: bytes, name: str) -> OcopError:
    with pytest.raises(OcopError) as e:
        add(dossier, actor, data, name)
    return e.value


def private_files(settings) -> list[Path]:
    root = Path(settings.OCOP_PRIVATE_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_stored_privately_under_a_random_name(settings, dossier, producer_user):
    ev = add(dossier, producer_user, PDF, "../../Hợp đồng\u202efdp.exe.pdf")
    path = Path(settings.OCOP_PRIVATE_ROOT) / ev.file.name
    assert path.read_bytes() == PDF
    assert not Path(settings.OCOP_PRIVATE_ROOT).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    assert ev.file.name.startswith(f"evidence/{dossier.public_id}/") and ev.file.name.endswith(".pdf")
    assert "Hợp" not in ev.file.name and len(Path(ev.file.name).stem) == 16
    assert ev.name == "Hợp đồngfdp.exe.pdf" and ev.content_type == "application/pdf"
    assert ev.download_name == "Hợp đồngfdp.exe.pdf"
    assert history(dossier).get(action="dossier.evidence").changes["type"] == [None, "pdf"]


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (EXE, "bien-ban.pdf", "file_executable"),
        (b"<!doctype html><script>fetch('/api/v1/')</script>", "anh.jpg", "file_markup"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>1</script></svg>',
            "logo.svg",
            "file_markup",
        ),
        (PDF_JS, "ket-qua.pdf", "file_pdf_active"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "so-lieu.xls", "file_old_office"),
        (b"", "rong.pdf", "file_empty"),
    ],
)
def test_refused_files_leave_nothing_behind(settings, dossier, producer_user, data, name, code):
    e = refused(dossier, producer_user, data, name)
    assert e.code == code and e.field == "file"
    assert name.split("/")[-1] in e.message  # says which file
    assert not dossier.evidence.exists() and private_files(settings) == []


def test_pdf_with_javascript_says_what_was_found(dossier, producer_user):
    e = refused(dossier, producer_user, PDF_JS, "ket-qua.pdf")
    assert "/JS" in e.message and "in lại ra PDF" in e.message


def test_size_limit_is_enforced_by_the_service_and_named(settings, dossier, producer_user):
    settings.OCOP_UPLOAD_MAX_MB = {**settings.OCOP_UPLOAD_MAX_MB, "evidence": 1}
    big = PDF + b"%" + b"0" * (1024 * 1024)
    e = refused(dossier, producer_user, big, "quet.pdf")
    assert e.code == "file_too_large" and "1 MB" in e.message
    # Bytes and a file object that lies about its size are measured as they are read.
    with pytest.raises(OcopError) as raw:
        services.evidence_add(actor=producer_user, dossier=dossier, criterion="1.1", file=big, name="q.pdf")
    assert raw.value.code == "file_too_large"
    liar = SimpleUploadedFile("q.pdf", big)
    liar.size = 10
    with pytest.raises(OcopError) as lied:
        services.evidence_add(actor=producer_user, dossier=dossier, criterion="1.1", file=liar)
    assert lied.value.code == "file_too_large"
    assert not dossier.evidence.exists() and private_files(settings) == []


def test_photographed_evidence_loses_its_location_and_is_capped(dossier, producer_user):
    data = gps_jpeg()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the upload has a position
    ev = add(dossier, producer_user, data, "IMG_0042.JPG")
    with ev.file.open("rb") as f:
        kept = f.read()
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG" and max(image.size) == 2048
    assert not image.getexif() and b"Exif" not in kept and b"iPhone" not in kept
    assert ev.content_type == "image/jpeg" and ev.download_name == "IMG_0042.jpg"


def test_png_webp_docx_xlsx_are_accepted(dossier, producer_user):
    import openpyxl

    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    ev = add(dossier, producer_user, out.getvalue(), "so-lieu.xlsx")
    assert ev.file.name.endswith(".xlsx") and ev.content_type.endswith("spreadsheetml.sheet")
    for fmt in ("PNG", "WEBP"):
        buf = io.BytesIO()
        Image.new("RGBA", (40, 30), (0, 0, 0, 0)).save(buf, fmt)
        assert add(dossier, producer_user, buf.getvalue(), f"a.{fmt.lower()}").file.name.endswith(".jpg")


@pytest.fixture
def seated(dossier, lai_chau_officer):
    """A council member seated on the round the dossier is assigned to (the scope only looks at seats)."""
    from django.contrib.auth import get_user_model

    rnd = services.round_create(
        actor=lai_chau_officer,
        name="Đợt 2/2026",
        province=lai_chau_officer.profile.province,
        intake_deadline=services.legal_round_dates(2026, 2)[0],
        scoring_deadline=services.legal_round_dates(2026, 2)[1],
    )
    seats = []
    for username in ("chutich", "tvhd", "tvhd3"):
        seats.append(get_user_model().objects.create_user(username, password=PASSWORD))
        Profile.objects.create(user=seats[-1], role=Role.COUNCIL, province_id=12)
    services.council_set(actor=lai_chau_officer, rnd=rnd, members=seats[1:], chair=seats[0])
    type(dossier).objects.filter(pk=dossier.pk).update(round=rnd)
    return seats[1]


def test_who_may_download(
    client,
    settings,
    dossier,
    producer_user,
    commune_officer,
    lai_chau_officer,
    son_la_officer,
    council_member,
    seated,
    national,
    inspector,
    outsider,
    son_la_commune,
):
    ev = add(dossier, producer_user, PDF, "hop-dong.pdf")
    url = f"/quan-ly/danh-gia/ho-so/{dossier.public_id}/minh-chung/{ev.pk}/"
    other_producer = Producer.objects.create(name="HTX khác", type="htx", commune=dossier.product.commune)
    from django.contrib.auth import get_user_model

    rival = get_user_model().objects.create_user("chuthekhac", password=PASSWORD)
    Profile.objects.create(user=rival, role=Role.PRODUCER, producer=other_producer)
    far_commune = get_user_model().objects.create_user("canboxakhac", password=PASSWORD)
    Profile.objects.create(user=far_commune, role=Role.COMMUNE, commune=son_la_commune)
    for user, status in [
        (producer_user, 200),
        (commune_officer, 200),
        (lai_chau_officer, 200),
        (seated, 200),
        (national, 200),
        (son_la_officer, 404),
        (rival, 404),
        (far_commune, 404),
        (council_member, 404),  # a council member of the province, not seated on this round
        (inspector, 200),  # province-scoped like the office and the advisory team (accounts.permissions)
        (outsider, 404),
    ]:
        client.force_login(user)
        r = client.get(url)
        assert r.status_code == status, user.username
        if status == 200:
            assert b"".join(r.streaming_content) == PDF
    client.logout()
    r = client.get(url)
    assert r.status_code == 302 and "/tai-khoan/" in r["Location"]


def test_response_headers(client, dossier, producer_user):
    pdf = add(dossier, producer_user, PDF, "Giấy phép.pdf")
    photo = add(dossier, producer_user, gps_jpeg(), "anh.png")
    client.force_login(producer_user)
    r = client.get(f"/quan-ly/danh-gia/ho-so/{dossier.public_id}/minh-chung/{pdf.pk}/")
    assert r["Content-Type"] == "application/pdf" and r["X-Content-Type-Options"] == "nosniff"
    assert (
        r["Content-Disposition"].startswith("attachment;")
        and "Gi%E1%BA%A5y%20ph%C3%A9p.pdf" in r["Content-Disposition"]
    )
    assert "sandbox" in r["Content-Security-Policy"] and "private" in r["Cache-Control"]
    r = client.get(f"/quan-ly/danh-gia/ho-so/{dossier.public_id}/minh-chung/{photo.pk}/")
    assert r["Content-Type"] == "image/jpeg" and r["Content-Disposition"].startswith("inline;")
    assert 'filename="anh.jpg"' in r["Content-Disposition"]


def test_guessing_the_path_under_media_finds_nothing(client, settings, dossier, producer_user):
    from django.core.exceptions import SuspiciousFileOperation
    from django.http import Http404
    from django.test import RequestFactory
    from django.views.static import serve

    ev = add(dossier, producer_user, PDF, "hop-dong.pdf")
    client.force_login(producer_user)
    for guess in (ev.file.name, f"evidence/{ev.name}", f"../private/{ev.file.name}"):
        assert client.get(f"/media/{guess}").status_code in (400, 404)  # 400: a path outside the root
        with pytest.raises((Http404, SuspiciousFileOperation)):  # what `./run demo` (DEBUG) mounts on /media/
            serve(RequestFactory().get("/"), guess, document_root=settings.MEDIA_ROOT)


def test_the_page_shows_the_reason_not_an_error(client, dossier, producer_user):
    client.force_login(producer_user)
    r = client.post(
        f"/quan-ly/danh-gia/ho-so/{dossier.public_id}/evidence/",
        {"criterion": "1.1", "file": SimpleUploadedFile("bao-cao.pdf", EXE, content_type="application/pdf")},
        follow=True,
    )
    assert r.status_code == 200 and "là chương trình chạy được" in r.content.decode()
    assert not dossier.evidence.exists()
    r = client.post(
        f"/quan-ly/danh-gia/ho-so/{dossier.public_id}/evidence/",
        {"criterion": "1.1", "file": SimpleUploadedFile("Hợp đồng.pdf", PDF)},
        follow=True,
    )
    assert "Hợp đồng.pdf" in r.content.decode() and dossier.evidence.count() == 1


def test_files_stored_before_move_out_of_media(settings, dossier, producer_user, capsys):
    """Rows written before this change point at MEDIA_ROOT/evidence/… under the uploaded name."""
    media = Path(settings.MEDIA_ROOT)
    (media / "evidence/2026/05").mkdir(parents=True)
    (media / "evidence/2026/05/hop-dong.pdf").write_bytes(PDF)
    (media / "evidence/2026/05/anh.jpg").write_bytes(gps_jpeg())
    (media / "evidence/2026/05/trang.html").write_bytes(b"<html><script>alert(1)</script></html>")
    old = [
        Evidence.objects.create(dossier=dossier, criterion="1.1", file=f"evidence/2026/05/{n}", name=n)
        for n in ("hop-dong.pdf", "anh.jpg", "trang.html")
    ]
    call_command("move_private_files", "--dry-run")
    assert (media / "evidence/2026/05/hop-dong.pdf").exists()
    call_command("move_private_files")
    out = capsys.readouterr().out
    assert "Đã chuyển 3 tệp" in out and "1 tệp cần xem lại" in out and "trang.html" in out
    assert not any(p.is_file() for p in media.rglob("*"))
    pdf, jpg, html = (Evidence.objects.get(pk=e.pk) for e in old)
    assert pdf.content_type == "application/pdf" and pdf.file.open("rb").read() == PDF
    assert jpg.content_type == "image/jpeg" and b"Exif" not in jpg.file.open("rb").read()
    assert html.content_type == "application/octet-stream"
    assert html.file.name.endswith(".bin") and html.name == "trang.html"
    call_command("move_private_files")
    assert "Đã chuyển 0 tệp" in capsys.readouterr().out
