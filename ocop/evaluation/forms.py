from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Certificate, Round
from .rubric import Sheet


def _fmt(x: float) -> str:
    return f"{x:g}".replace(".", ",")


class SheetForm(forms.Form):
    """One radio group per criterion of the sheet; the value is the points of the ticked option."""

    def __init__(self, sheet: Sheet, *args, initial_answers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        for c in sheet.criteria:
            choices = [("0", _("Không chọn ý nào (0 điểm)"))]
            choices += [
                (
                    _fmt(o.points).replace(",", "."),
                    f"{o.label} — {_fmt(o.points)} đ"
                    + (f" ({'*' * o.min_star})" if o.min_star else "")
                    + (f" [{o.case}]" if o.case else ""),
                )
                for o in c.options
                if o.points
            ]
            value = (initial_answers or {}).get(c.code)
            self.fields[c.code] = forms.ChoiceField(
                label=f"{c.code}. {c.name}",
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
                initial=f"{value:g}" if value is not None else "0",
            )

    def answers(self) -> dict:
        return {c.code: float(self.cleaned_data.get(c.code) or 0) for c in self.sheet.criteria}

    def sections(self):
        """(part, [(group, [bound field, …]), …]) in sheet order, for the template."""
        out = []
        for p in self.sheet.parts:
            groups = []
            for g in (g for g in self.sheet.groups if g.part == p.code):
                fields = [self[c.code] for c in self.sheet.criteria if c.part == p.code and c.group == g.code]
                groups.append((g, fields))
            out.append((p, groups))
        return out


class ScreenForm(forms.Form):
    raw_materials = forms.CharField(
        label=_("Nguồn nguyên liệu địa phương"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    labour = forms.CharField(
        label=_("Sử dụng lao động địa phương"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    idea = forms.CharField(
        label=_("Nguồn gốc ý tưởng sản phẩm"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    identity = forms.CharField(
        label=_("Bản sắc, văn hóa địa phương"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(
        label=_("Ý kiến của xã"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


# A hint for the file picker only: the service reads the bytes and decides (core.uploads).
ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp,.docx,.xlsx,application/pdf,image/jpeg,image/png,image/webp"


class EvidenceForm(forms.Form):
    criterion = forms.CharField(label=_("Tiêu chí"), max_length=20)
    file = forms.FileField(
        label=_("Tệp minh chứng"),
        help_text=_("PDF, ảnh JPEG/PNG/WebP, Word (.docx) hoặc Excel (.xlsx)."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class RequestForm(forms.Form):
    criterion = forms.CharField(label=_("Tiêu chí"), max_length=20, required=False)
    text = forms.CharField(
        label=_("Minh chứng cần bổ sung"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    date = forms.DateField(
        label=_("Ngày quyết định"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    certificate_number = forms.CharField(
        label=_("Số giấy chứng nhận (để trống: tự cấp)"), max_length=40, required=False
    )


class RevokeForm(forms.Form):
    ground = forms.ChoiceField(label=_("Căn cứ"), choices=Certificate.Ground.choices)
    decision = forms.CharField(label=_("Quyết định thu hồi"), max_length=120)
    date = forms.DateField(label=_("Ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Tên đợt"), max_length=200)
    level = forms.ChoiceField(label=_("Cấp"), choices=Round.Level.choices, initial=Round.Level.PROVINCE)
    intake_deadline = forms.DateField(label=_("Hạn nhận hồ sơ"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    scoring_deadline = forms.DateField(
        label=_("Hạn hoàn thành đánh giá"), input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    max_spread = forms.DecimalField(
        label=_("Chênh lệch tối đa giữa các thành viên (điểm)"), initial=10, min_value=0, max_value=100
    )
    quorum = forms.DecimalField(
        label=_("Tỷ lệ thành viên tối thiểu (0–1)"), initial=0.75, min_value=0.5, max_value=1
    )
