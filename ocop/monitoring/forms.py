from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ocop.core.bounds import max_length
from ocop.core.forms import ModelMultipleChoiceField, date_field
from ocop.evaluation.models import Certificate
from ocop.geo.models import Commune
from ocop.registry.models import Product

from . import checklist, effectiveness
from .models import Campaign, Finding, FollowUp, Inspection, SalesPointCheck


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Tên đợt kiểm tra"), max_length=200)
    kind = forms.ChoiceField(label=_("Hình thức"), choices=Campaign.Kind.choices)
    starts_on = date_field(_("Từ ngày"))
    ends_on = date_field(_("Đến ngày"))
    team = forms.CharField(
        label=_("Thành phần đoàn liên ngành"),
        required=False,
        max_length=max_length(Campaign, "team"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Cơ quan và người tham gia, ví dụ: Sở Nông nghiệp và Môi trường, Sở Công Thương, Sở Y tế."
        ),
    )


class PlanForm(forms.Form):
    producer = forms.CharField(
        label=_("Thêm chủ thể"), max_length=200, help_text=_("Tên (không cần dấu) hoặc mã số thuế.")
    )


class ChecklistForm(forms.Form):
    visited_on = date_field(_("Ngày kiểm tra"))
    note = forms.CharField(
        label=_("Ghi chú chung"),
        required=False,
        max_length=max_length(Inspection, "note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            ("ok", pgettext_lazy("checklist answer", "Đạt")),
            ("issue", pgettext_lazy("checklist answer", "Không đạt")),
            ("na", _("Không áp dụng")),
        ]
        for item in checklist.ITEMS:
            self.fields[f"item_{item.key}"] = forms.ChoiceField(
                label=_(item.text),
                choices=choices,
                widget=forms.RadioSelect,
                initial=(answers or {}).get(item.key, "ok"),
            )

    def answers(self) -> dict:
        return {item.key: self.cleaned_data[f"item_{item.key}"] for item in checklist.ITEMS}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(f, initial) for f in files]


class FindingForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Sản phẩm"), queryset=Product.objects.none(), empty_label=_("— Chọn sản phẩm —")
    )
    item = forms.ChoiceField(label=_("Nội dung không đạt"))
    severity = forms.ChoiceField(label=_("Mức độ"), choices=Finding.Severity.choices)
    note = forms.CharField(
        label=_("Điều đã thấy"),
        max_length=max_length(Finding, "note"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    remediation = forms.CharField(
        label=_("Yêu cầu khắc phục"),
        max_length=max_length(Finding, "remediation"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due = date_field(_("Hạn khắc phục"), required=False)
    photos = PhotosField(
        label=_("Ảnh chụp tại cơ sở"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True}),
    )

    def __init__(self, *args, producer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(producer=producer).order_by("name")
        self.fields["item"].choices = [(i.key, _(i.text)) for i in checklist.ITEMS]
        self.fields["due"].help_text = _(
            "Để trống: nhẹ 30 ngày, nghiêm trọng 15 ngày, rất nghiêm trọng 7 ngày."
        )


class FollowUpForm(forms.Form):
    visited_on = date_field(_("Ngày kiểm tra lại"))
    fixed = forms.TypedChoiceField(
        label=_("Kết quả"),
        choices=[("1", _("Đã khắc phục")), ("0", _("Chưa khắc phục"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=max_length(FollowUp, "note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EscalateForm(forms.Form):
    ground = forms.ChoiceField(label=_("Căn cứ thu hồi (Điều 8 khoản 1)"), choices=Certificate.Ground.choices)
    proposal = forms.CharField(
        label=_("Kết luận kiểm tra, lý do đề nghị thu hồi"),
        max_length=max_length(Finding, "proposal"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RevokeDecisionForm(forms.Form):
    decision = forms.CharField(label=_("Số quyết định thu hồi"), max_length=120)
    date = date_field(_("Ngày quyết định"))


class RespondForm(forms.Form):
    text = forms.CharField(
        label=_("Báo cáo khắc phục"),
        max_length=max_length(Finding, "response"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SalesPointForm(forms.Form):
    name = forms.CharField(label=_("Tên điểm bán"), max_length=200)
    commune = forms.ModelChoiceField(label=_("Xã, phường"), queryset=Commune.objects.none())
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    operator = forms.CharField(label=_("Đơn vị, người vận hành"), max_length=200)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    lat = forms.DecimalField(label=_("Vĩ độ"), required=False, min_value=8, max_value=24, decimal_places=5)
    lon = forms.DecimalField(
        label=_("Kinh độ"), required=False, min_value=102, max_value=110, decimal_places=5
    )
    opened_on = date_field(_("Ngày mở"), required=False)
    products = ModelMultipleChoiceField(
        label=_("Sản phẩm OCOP bày bán"),
        queryset=Product.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, province_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(province_id=province_id).order_by("name")
        self.fields["products"].queryset = (
            Product.objects.filter(commune__province_id=province_id).certified().order_by("name")
        )


class SalesPointCheckForm(forms.Form):
    checked_on = date_field(_("Ngày kiểm tra"))
    products_seen = forms.IntegerField(label=_("Số sản phẩm OCOP đang bày bán"), min_value=0)
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=max_length(SalesPointCheck, "note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels = [(str(n), str(n)) for n in range(effectiveness.LEVELS + 1)]
        for part in effectiveness.PARTS:
            self.fields[f"part_{part.key}"] = forms.TypedChoiceField(
                label=f"{_(part.text)} ({part.weight})", choices=levels, coerce=int, widget=forms.RadioSelect
            )

    def levels(self) -> dict:
        return {p.key: self.cleaned_data[f"part_{p.key}"] for p in effectiveness.PARTS}
