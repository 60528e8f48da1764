"""ocop score --set N --answers FILE.json [--answers FILE.json ...] [--rubric 26/2026] [--json] [--advice]

Scores one or more members' answers on the set's sheet. Bad answers: exit status 2, a message on stderr
naming the criterion and the allowed points, nothing on stdout."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.core.errors import OcopError
from ocop.evaluation.advisor import advise
from ocop.evaluation.rubric import CURRENT, load_sheet
from ocop.evaluation.scoring import score


class Command(BaseCommand):
    help = "Chấm điểm theo phiếu đánh giá của một bộ sản phẩm (QĐ 26/2026)."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--set", type=int, required=True, dest="set_number", help="Bộ sản phẩm 1–26")
        parser.add_argument("--answers", action="append", required=True, help="Tệp JSON {mã tiêu chí: điểm}")
        parser.add_argument("--rubric", default=CURRENT, help=f"Phiên bản bộ tiêu chí (mặc định {CURRENT})")
        parser.add_argument("--json", action="store_true", help="In một đối tượng JSON")
        parser.add_argument(
            "--advice", action="store_true", help="Kèm gợi ý cải thiện để lên hạng sao kế tiếp"
        )

    def handle(self, set_number, answers, rubric, json=False, advice=False, **opts):
        members = [_read(p) for p in answers]
        try:
            sheet = load_sheet(set_number, rubric)
            result = score(sheet, members)
            tips = advise(sheet, members[0]) if advice else None
        except OcopError as e:
            raise CommandError(e.message, returncode=2) from None
        out = result.as_dict()
        if tips is not None:
            out["advice"] = tips.as_dict()
        if json:
            self.stdout.write(_dumps(out))
            return
        self.stdout.write(
            f"Bộ {sheet.set}. {sheet.name} — {result.members} phiếu, bộ tiêu chí {sheet.rubric}"
        )
        parts = ", ".join(f"{k}: {v}" for k, v in out["parts"].items())
        self.stdout.write(
            f"Điểm: {out['total']} ({parts}); khoảng điểm: {result.band}★; xếp hạng: {result.star}★"
        )
        for u in out["unmet"]:
            self.stdout.write(
                f"  chưa đạt mức tối thiểu {u['star']}★ ở tiêu chí {u['criterion']}: "
                f"cần {u['required']}, có {u['given']}"
            )
        self.stdout.write(
            "Đủ điều kiện công nhận." if result.certifiable else "Chưa đủ điều kiện công nhận (≥3★)."
        )
        if tips is not None and tips.target_star:
            self.stdout.write(f"Để đạt {tips.target_star}★:")
            for s in tips.steps:
                self.stdout.write(f"  {s.criterion} {s.name}: {s.current:g} → {s.target:g} ({s.option})")


def _read(path: str) -> dict:
    p = Path(path)
    if not p.is_file():
        raise CommandError(f"Không tìm thấy tệp «{path}».", returncode=2)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise CommandError(
            f'Tệp «{path}» không phải JSON hợp lệ ({e}). Cần dạng {{"1.1": 3, "2.2": 2}}.', returncode=2
        ) from None


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
