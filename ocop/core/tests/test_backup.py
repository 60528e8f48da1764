"""Backups: a round trip on the configured database (SQLite, or PostgreSQL when the suite runs there), and
every bad archive refused with nothing changed.

Each test works on a scratch database — a copy of the test database (SQLite: the backup API; PostgreSQL:
`createdb -T`) — with committed writes, so that the backup, made by other connections and processes,
sees them; the test database itself is never touched."""

import datetime
import hashlib
import io
import json
import sqlite3
import subprocess
import tarfile
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.utils import load_backend
from reportlab.pdfgen import canvas

from ocop.core import backup
from ocop.core.errors import OcopError
from ocop.core.models import AuditEntry
from ocop.evaluation import services as evaluation
from ocop.evaluation.models import Certificate, Evidence
from ocop.geo.models import Commune
from ocop.registry import services as registry
from ocop.registry.models import Photo, Producer, Product, ProductSet
from ocop.traceability import services as traceability
from ocop.traceability.models import StampBatch

LAI_CHAU = 12
ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def _pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Hop dong vung nguyen lieu")
    page.save()
    return out.getvalue()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def _pg_env(settings_dict: dict) -> dict:
    return {k: v for k, v in backup._pg_env(settings_dict).items() if k != "PGDATABASE"}


@pytest.fixture(scope="module")
def template(django_db_setup, django_db_blocker, tmp_path_factory):
    """A copy of the test database (migrated, reference data loaded) that each test copies again."""
    original = connections["default"]
    base = original.settings_dict
    if original.vendor == "sqlite":
        name = str(tmp_path_factory.mktemp("template") / "template.sqlite3")
        source, target = sqlite3.connect(base["NAME"]), sqlite3.connect(name)
        source.backup(target)
        source.close()
        target.close()
        yield name
        return
    name = f"ocop_backup_tpl_{uuid.uuid4().hex[:12]}"
    with django_db_blocker.unblock():
        original.close()  # createdb -T needs the template database free; no test is running yet
    subprocess.run(["createdb", "-T", base["NAME"], name], env=_pg_env(base), check=True, capture_output=True)
    yield name
    subprocess.run(
        ["dropdb", "--if-exists", "--force", name], env=_pg_env(base), check=True, capture_output=True
    )


@pytest.fixture
def scratch(db, template, django_db_blocker, settings, tmp_path):
    """The default connection pointed at a fresh copy of the template, with empty file roots. Writes
    commit for real (the test's own transaction stays on the test database's connection)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OCOP_PRIVATE_ROOT = tmp_path / "private"
    original = connections["default"]
    base = original.settings_dict
    if original.vendor == "sqlite":
        name = str(tmp_path / "scratch.sqlite3")
        source, target = sqlite3.connect(template), sqlite3.connect(name)
        source.backup(target)
        source.close()
        target.close()
    else:
        name = f"ocop_backup_{uuid.uuid4().hex[:12]}"
        subprocess.run(["createdb", "-T", template, name], env=_pg_env(base), check=True, capture_output=True)
    connections["default"] = load_backend(base["ENGINE"]).DatabaseWrapper({**base, "NAME": name}, "default")
    try:
        yield tmp_path
    finally:
        connections["default"].close()
        connections["default"] = original
        if original.vendor == "postgresql":
            subprocess.run(
                ["dropdb", "--if-exists", "--force", name], env=_pg_env(base), check=True, capture_output=True
            )


def _data() -> dict:
    """Two products, a photo, a dossier with an evidence file, a certificate and a batch of stamps."""
    commune = Commune.objects.get(province_id=LAI_CHAU, name="Xã Bình Lư")
    product_set = ProductSet.objects.get(taxonomy__current=True, number=11)
    producer = registry.producer_create(
        actor=None, name="HTX Chè Tam Đường", type="htx", commune=commune, tax_code="6200123456"
    )
    tea = registry.product_create(
        actor=None,
        name="Chè Shan tuyết Tam Đường",
        producer=producer,
        product_set=product_set,
        star=4,
        year=2024,
    )
    honey = registry.product_create(
        actor=None, name="Mật ong hoa ban", producer=producer, product_set=product_set, star=3, year=2023
    )
    photo = registry.photo_add(actor=None, product=tea, data=_png())
    dossier = evaluation.dossier_create(actor=None, product=tea)
    evidence = evaluation.evidence_add(
        actor=None,
        dossier=dossier,
        criterion="1.1",
        file=SimpleUploadedFile("vung-nguyen-lieu.pdf", _pdf(), content_type="application/pdf"),
    )
    evaluation.certificate_record(
        actor=None,
        product=honey,
        number="GCN-SAO-LUU-1",
        star=3,
        decision_number="QĐ 7/QĐ-UBND",
        decision_date=datetime.date.today() - datetime.timedelta(days=30),
    )
    batch = traceability.stamps_issue(actor=None, product=honey, count=500)
    return {
        "tea": tea.pk,
        "batch": batch.pk,
        "stamp": traceability.batch_serial(batch, 17),
        "photo": (photo.image.name, photo.image.read()),
        "evidence": (evidence.file.name, evidence.file.read()),
    }


def _state() -> dict:
    return {
        "counts": backup.current_counts(),
        "products": list(Product.objects.order_by("pk").values_list("name", "star")),
        "producers": sorted(Producer.objects.values_list("name", flat=True)),
    }


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _all_files(tmp: Path) -> dict:
    return {"media": _files(tmp / "media"), "private": _files(tmp / "private")}


def _change_everything(data: dict, tmp: Path) -> None:
    """What a bad day does: a renamed product, deleted stamps and evidence (row and file), a new producer,
    a stray upload."""
    Product.objects.filter(pk=data["tea"]).update(name="Tên bị sửa nhầm")
    StampBatch.objects.filter(pk=data["batch"]).delete()
    evidence = Evidence.objects.get()
    evidence.file.delete(save=False)
    evidence.delete()
    registry.producer_create(
        actor=None,
        name="Chủ thể thêm sau khi sao lưu",
        type="htx",
        commune=Commune.objects.get(province_id=LAI_CHAU, name="Xã Bình Lư"),
    )
    (tmp / "media" / "products" / "ghi-them.jpg").write_bytes(b"uploaded after the backup")


def _repack(source: Path, target: Path, *, replace: dict | None = None, extra: dict | None = None, edit=None):
    """Copy an archive, replacing or adding members (listed in the manifest with their right checksums) and
    editing the manifest — to build archives that are wrong in exactly one way."""
    replace = replace or {}
    with tarfile.open(source) as tar:
        manifest = json.loads(tar.extractfile(backup.MANIFEST).read())
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers() if m.name != backup.MANIFEST]
    with tarfile.open(target, "w") as out:
        for member, data in members:
            data = replace.get(member.name, data)
            if member.name in replace:
                manifest["members"][member.name] = {
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
            manifest["members"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        if edit:
            edit(manifest)
        text = json.dumps(manifest).encode()
        info = tarfile.TarInfo(backup.MANIFEST)
        info.size = len(text)
        out.addfile(info, io.BytesIO(text))


def test_round_trip_puts_back_rows_values_and_files(scratch, capsys):
    data = _data()
    before, files = _state(), _all_files(scratch)
    assert files["private"] and files["media"]  # the evidence is private, the photo public
    result = backup.backup_create(out=scratch / "ocop.tar")
    manifest = result.manifest
    assert manifest["counts"] == before["counts"] and manifest["database"]["vendor"] == connection.vendor
    assert (
        manifest["counts"]["evaluation.evidence"] == 1 and manifest["counts"]["traceability.stampbatch"] == 1
    )
    assert ["registry", "0001_initial"] in manifest["migrations"]
    assert manifest["files"]["private"]["count"] == len(files["private"])
    assert not list(scratch.glob("*.partial")) and not list(scratch.glob(".ocop-backup-*"))

    _change_everything(data, scratch)
    assert _state() != before and _all_files(scratch) != files

    call_command("restore", str(scratch / "ocop.tar"), "--yes", verbosity=0)
    out = capsys.readouterr().out
    assert "Đã khôi phục bản sao lưu" in out and "khớp số dòng" in out
    restored = _state()
    restored["counts"]["core.auditentry"] -= 1  # the restore's own entry, written after the swap
    assert restored == before
    assert _all_files(scratch) == files
    evidence, photo = Evidence.objects.get(), Photo.objects.get()
    assert (evidence.file.name, evidence.file.read()) == data["evidence"]
    assert (photo.image.name, photo.image.read()) == data["photo"]
    batch = StampBatch.objects.get(pk=data["batch"])
    assert traceability.batch_serial(batch, 17) == data["stamp"]
    assert Certificate.objects.get().number == "GCN-SAO-LUU-1"
    assert AuditEntry.objects.filter(action="dossier.evidence").count() == 1
    # The staging folders are gone and the media root keeps the permissions the web server needs.
    assert not [p for p in scratch.iterdir() if ".restore-" in p.name or ".old-" in p.name]
    assert (scratch / "media").stat().st_mode & 0o005


def test_backup_command_prints_what_it_saved(scratch, capsys):
    _data()
    call_command("backup", "--out", str(scratch / "b.tar"), verbosity=0)
    out = capsys.readouterr().out
    assert "Đã sao lưu vào" in out and "registry.product 2" in out and "Tệp riêng: 1 tệp" in out
    assert tarfile.open(scratch / "b.tar").getnames()[-1] == backup.MANIFEST


def _manifest_sha(path: Path) -> str:
    with tarfile.open(path) as tar:
        return hashlib.sha256(tar.extractfile(backup.MANIFEST).read()).hexdigest()


def _main_counts(counts: dict) -> dict:
    return {k: counts[k] for k in backup.MAIN_TABLES if k in counts}


def test_backup_records_one_audit_entry_that_the_archive_does_not_hold(scratch):
    _data()
    officer = get_user_model().objects.create_user("laichau-saoluu")
    entries = AuditEntry.objects.count()
    result = backup.backup_create(out=scratch / "a.tar", actor=officer)
    assert AuditEntry.objects.count() == entries + 1
    assert result.manifest["counts"]["core.auditentry"] == entries  # written after the dump
    entry = AuditEntry.objects.get(action="backup.create")
    sha, counts = _manifest_sha(scratch / "a.tar"), result.manifest["counts"]
    assert entry.actor == officer
    assert (entry.object_type, entry.object_id, entry.object_repr) == ("backup", sha, "a.tar")
    after = {k: v for k, (_before, v) in entry.changes.items()}
    assert after == {
        "archive": "a.tar",
        "manifest_sha256": sha,
        "size": (scratch / "a.tar").stat().st_size,
        "vendor": connection.vendor,
        "version": result.manifest["version"],
        "migrations": len(result.manifest["migrations"]),
        "rows": sum(counts.values()),
        "tables": len(counts),
        "counts": _main_counts(counts),
        "files": {name: info["count"] for name, info in result.manifest["files"].items()},
    }


def test_restore_records_itself_in_the_restored_database(scratch, changed):
    _data, good = changed
    manifest = backup.backup_verify(path=good)
    # The account that restores was created after the backup: it is not in the restored database.
    officer = get_user_model().objects.create_user("laichau-khoiphuc")
    assert AuditEntry.objects.filter(action="backup.create").count() == 1
    result = backup.backup_restore(path=good, actor=officer)
    assert not result.mismatched()
    # The backup's own entry was written after the dump, so it went with the rest; the restore's is the
    # only entry the archive did not hold.
    assert AuditEntry.objects.count() == manifest["counts"]["core.auditentry"] + 1
    entry = AuditEntry.objects.get(action__startswith="backup.")
    assert entry.action == "backup.restore" and entry.actor is None
    sha = _manifest_sha(good)
    assert (entry.object_type, entry.object_id, entry.object_repr) == ("backup", sha, "good.tar")
    after = {k: v for k, (_before, v) in entry.changes.items()}
    assert after == {
        "archive": "good.tar",
        "manifest_sha256": sha,
        "created_at": manifest["created_at"],
        "version": manifest["version"],
        "vendor": connection.vendor,
        "migrations": len(manifest["migrations"]),
        "pending_migrations": 0,
        "rows": sum(manifest["counts"].values()),
        "tables": len(manifest["counts"]),
        "counts": _main_counts(manifest["counts"]),
        "files": {name: info["count"] for name, info in manifest["files"].items()},
        "by": "laichau-khoiphuc",
    }


def _refused(path: Path, code: str, data: dict, tmp: Path) -> OcopError:
    """Restore must fail with this code and leave the database and the files exactly as they are, with no
    audit entry."""
    before, files = _state(), _all_files(tmp)
    with pytest.raises(OcopError) as e:
        backup.backup_restore(path=path)
    assert e.value.code == code, e.value.message
    assert _state() == before and _all_files(tmp) == files
    assert not AuditEntry.objects.filter(action="backup.restore").exists()
    assert Product.objects.get(pk=data["tea"]).name == "Tên bị sửa nhầm"
    assert not [p for p in tmp.iterdir() if ".restore-" in p.name or ".old-" in p.name]
    return e.value


@pytest.fixture
def changed(scratch):
    """An archive of the data, then the data changed: what a restore would undo."""
    data = _data()
    backup.backup_create(out=scratch / "good.tar")
    _change_everything(data, scratch)
    return data, scratch / "good.tar"


def test_corrupt_truncated_or_foreign_archives_change_nothing(scratch, changed):
    data, good = changed
    raw = good.read_bytes()
    with tarfile.open(good) as tar:
        db = next(m for m in tar.getmembers() if m.name.startswith("database/"))
    flipped = bytearray(raw)
    flipped[db.offset_data + db.size // 2] ^= 0xFF
    cases = {
        "flipped byte": bytes(flipped),
        "truncated": raw[: len(raw) // 2],
        "empty": b"",
        "not a tar": b"PK\x03\x04 this is a zip file" * 100,
    }
    for label, content in cases.items():
        bad = scratch / f"bad-{label.replace(' ', '-')}.tar"
        bad.write_bytes(content)
        error = _refused(bad, "backup_corrupt", data, scratch)
        assert "không khôi phục gì" in error.message, label
    with pytest.raises(OcopError) as e:
        backup.backup_restore(path=scratch / "khong-co.tar")
    assert e.value.code == "backup_missing"


def test_archive_from_newer_code_or_with_foreign_members_is_refused(scratch, changed):
    data, good = changed
    future = scratch / "future.tar"
    _repack(good, future, edit=lambda m: m["migrations"].append(["registry", "9999_from_the_future"]))
    error = _refused(future, "backup_migrations_unknown", data, scratch)
    assert "registry.9999_from_the_future" in error.message

    # A member that would land outside the file roots, or a second database, is refused even though the
    # manifest lists it with the right checksum; so is a manifest whose migrations are not (app, name).
    for name in ("media/../../evil.txt", "/tmp/evil.txt", "database/second.db"):
        bad = scratch / "extra.tar"
        _repack(good, bad, extra={name: b"owned"})
        _refused(bad, "backup_corrupt", data, scratch)
    assert not (scratch.parent / "evil.txt").exists()
    _repack(good, bad, edit=lambda m: m["migrations"].append("registry"))
    _refused(bad, "backup_corrupt", data, scratch)

    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    member = {"sqlite": backup.SQLITE_MEMBER, "postgresql": backup.PG_MEMBER}

    def foreign(manifest):
        manifest["database"].update(vendor=other, member=member[other])
        manifest["members"][member[other]] = manifest["members"].pop(member[connection.vendor])

    vendor = scratch / "vendor.tar"
    with tarfile.open(good) as tar:
        current = tar.getmember(member[connection.vendor])
        content = tar.extractfile(current).read()
    _repack(good, vendor, edit=foreign)
    with tarfile.open(vendor) as tar:
        entries = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(vendor, "w") as tar:
        for m, blob in entries:
            if m.name == member[connection.vendor]:
                m.name = member[other]
                blob = content
            tar.addfile(m, io.BytesIO(blob))
    _refused(vendor, "backup_vendor_mismatch", data, scratch)


def test_a_valid_checksum_over_a_broken_database_changes_nothing(scratch, changed):
    """The archive checks out, but its database is cut short: the restore fails while loading it (SQLite:
    integrity check before the swap; PostgreSQL: pg_restore fails halfway through the one transaction, after
    the script has already dropped tables) and the database is as it was."""
    data, good = changed
    name = backup.SQLITE_MEMBER if connection.vendor == "sqlite" else backup.PG_MEMBER
    with tarfile.open(good) as tar:
        content = tar.extractfile(name).read()
    if connection.vendor == "sqlite":
        import gzip

        plain = gzip.decompress(content)
        cut = gzip.compress(plain[: len(plain) * 2 // 3])
        code = "backup_corrupt"
    else:
        cut = content[: len(content) * 2 // 3]
        code = "backup_pg_restore_failed"
    broken = scratch / "broken.tar"
    _repack(good, broken, replace={name: cut})
    _refused(broken, code, data, scratch)


def test_restore_asks_first_and_a_script_needs_yes(scratch, changed, monkeypatch, capsys):
    data, good = changed
    before = _state()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: cron, CI, a pipe
    with pytest.raises(CommandError) as e:
        call_command("restore", str(good), verbosity=0)
    assert "--yes" in str(e.value) and e.value.returncode == 2
    assert _state() == before

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Terminal("khong\n"))
    with pytest.raises(CommandError) as e:
        call_command("restore", str(good), verbosity=0)
    assert "Đã huỷ" in str(e.value) and "Gõ «co»" in capsys.readouterr().out
    assert _state() == before
    monkeypatch.setattr("sys.stdin", Terminal("co\n"))
    call_command("restore", str(good), verbosity=0)
    assert Product.objects.get(pk=data["tea"]).name == "Chè Shan tuyết Tam Đường"


@pytest.mark.skipif(not ON_SQLITE, reason="SQLite's online copy; PostgreSQL dumps an exported snapshot")
def test_sqlite_backup_is_consistent_while_another_connection_writes(scratch):
    _data()
    path = connection.settings_dict["NAME"]
    connection.close()
    stop, written = threading.Event(), [0]

    def writer():
        db = sqlite3.connect(path, timeout=20)
        while not stop.is_set():
            db.execute(
                "INSERT INTO core_auditentry (at, action, object_type, object_id, object_repr, changes, "
                "note) VALUES (datetime('now'), 'test.write', 'x', '1', 'x', '{}', '')"
            )
            db.commit()
            written[0] += 1
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 5:
            time.sleep(0.01)
        result = backup.backup_create(out=scratch / "live.tar")
        during = written[0]
    finally:
        stop.set()
        thread.join()
    assert during > 5
    with tarfile.open(scratch / "live.tar") as tar:
        import gzip

        copy = scratch / "copy.sqlite3"
        copy.write_bytes(gzip.decompress(tar.extractfile(backup.SQLITE_MEMBER).read()))
    db = sqlite3.connect(copy)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The manifest's counts are those of the copy: one snapshot, whatever was written meanwhile.
    in_copy = db.execute("SELECT COUNT(*) FROM core_auditentry").fetchone()[0]
    assert result.manifest["counts"]["core.auditentry"] == in_copy
    db.close()


@pytest.mark.skipif(not ON_SQLITE, reason="PostgreSQL waits for locks with a timeout instead")
def test_sqlite_restore_refuses_while_the_server_has_the_database_open(scratch, changed):
    data, good = changed
    server = sqlite3.connect(connection.settings_dict["NAME"])
    server.execute("SELECT COUNT(*) FROM registry_product").fetchone()
    try:
        _refused(good, "backup_database_in_use", data, scratch)
    finally:
        server.close()


@pytest.mark.skipif(ON_SQLITE, reason="PostgreSQL only")
def test_postgresql_restore_drops_tables_newer_than_the_backup(scratch, changed):
    _data, good = changed
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE registry_from_a_newer_migration (id int REFERENCES registry_product(id))"
        )
    backup.backup_restore(path=good)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('registry_from_a_newer_migration')")
        assert cursor.fetchone()[0] is None
