import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from ocop.accounts.demo import DEMO_PASSWORD, demo_users
from ocop.catalogue import demo as catalogue_demo
from ocop.catalogue import listings
from ocop.evaluation import demo as evaluation_demo
from ocop.monitoring import demo as monitoring_demo
from ocop.registry.demo import SCALES, load_demo
from ocop.reporting import demo as reporting_demo
from ocop.traceability import demo as traceability_demo


class Command(BaseCommand):
    help = "Tải dữ liệu mẫu (chủ thể, sản phẩm, tài khoản mỗi vai trò) rồi chạy máy chủ tại 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Chỉ tải dữ liệu, không chạy máy chủ")
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="small",
            help="small: ~600 sản phẩm; national: ~18.000 sản phẩm, ~10.000 chủ thể",
        )
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, no_serve=False, scale="small", addr="127.0.0.1:8000", **opts):
        # The server this command starts answers on its address, and stamp links and reset mails point at it
        # (a phone on the same network can scan the sample stamps), unless the environment says otherwise.
        if "OCOP_PUBLIC_URL" not in os.environ:
            settings.OCOP_PUBLIC_URL = f"http://{addr}"
        host = addr.rsplit(":", 1)[0].strip("[]")
        if "OCOP_ALLOWED_HOSTS" not in os.environ and host not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
        call_command("migrate", verbosity=0, interactive=False)
        with tqdm(total=SCALES[scale], desc="Dữ liệu mẫu", unit="dòng", file=sys.stderr, ncols=90) as bar:
            result = load_demo(scale, progress=bar.update)
        if result is not None:
            self.stdout.write(result.summary())
        else:
            self.stdout.write("Dữ liệu mẫu đã có sẵn, không tải lại.")
        users = demo_users()
        with listings.deferred():  # the catalogue's rows rebuilt once, not after every certificate
            evaluation_demo.load()
            stamps = traceability_demo.load()
            monitoring_demo.load()
        reporting_demo.load()
        catalogue_demo.load()
        self.stdout.write(f"\nTài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, role, where in users:
            self.stdout.write(f"  {username:<10} {role} — {where}")
        if stamps:
            self.stdout.write("\nTem mẫu (mở bằng điện thoại hoặc trình duyệt):")
            for label, key in [
                ("thật", "genuine"),
                ("chưa kích hoạt", "not_activated"),
                ("giấy chứng nhận đã thu hồi", "revoked"),
                ("không có GTIN", "short"),
            ]:
                self.stdout.write(f"  {label:<27} {stamps[key]}")
        if not no_serve:
            self.stdout.write(f"\nMở http://{addr}/ trong trình duyệt. Ctrl+C để dừng.\n")
            # A laptop needs nothing else: the background jobs (imports over OCOP_IMPORT_BACKGROUND_ROWS rows,
            # reminders' mail) run in a task worker started beside the server and stopped with it.
            worker = subprocess.Popen(
                [sys.executable, "-m", "ocop", "db_worker", "--no-startup-delay", "--no-reload"]
            )
            try:
                call_command("runserver", addr, use_reloader=False)
            finally:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
