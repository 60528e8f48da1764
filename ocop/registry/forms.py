from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.accounts.permissions import can_record_recognition
from ocop.core import private
from ocop.core.errors import OcopError
from ocop.core.forms import date_field
from ocop.geo.models import Commune
from ocop.geo.services import resolve_address

from .models import Platform, Producer, Product, ProductSet
from .services import CERTIFIED_FIELDS, FIRST_YEAR, certificate_in_force


class CommuneField(forms.CharField):
    """A commune given by its official code or by name ("Xã Bản Hon, Lai Châu"; old units work too)."""

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return f"{value.name}, {value.province.name}"
        if isinstance(value, int):
            commune = Commune.objects.select_related("province").filter(pk=value).first()
            return f"{commune.name}, {commune.province.name}" if commune else value
        return value

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        if text.isascii() and text.isdigit():
            commune = Commune.objects.select_related("province").filter(pk=int(text)).first()
            if commune is None:
                raise forms.ValidationError(
                    _("Mã xã %(code)s không có trong danh mục địa giới mới."), params={"code": text}
                )
            return commune
        try:
            return resolve_address(text).commune
        except OcopError as e:
            raise forms.ValidationError(e.message) from None


class ProducerForm(forms.ModelForm):
    commune = CommuneField(
        label=_("Xã, phường"),
        help_text=_("Ví dụ: «Xã Bản Hon, Lai Châu» hoặc mã xã; ghi theo địa giới cũ cũng được."),
    )

    class Meta:
        model = Producer
        fields = [
            "name",
            "type",
            "tax_code",
            "legal_rep",
            "rep_female",
            "rep_ethnic_minority",
            "rep_disabled",
            "local_labour_share",
            "commune",
            "address_detail",
            "phone",
            "email",
            "website",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["commune"] = self.instance.commune_id


class ProductForm(forms.ModelForm):
    commune = CommuneField(
        label=_("Xã, phường"), required=False, help_text=_("Để trống nếu trùng xã của chủ thể.")
    )
    # The model's field would allow 0 and answer 9 with the raw database constraint's name.
    star = forms.IntegerField(
        label=_("Số sao"),
        required=False,
        min_value=1,
        max_value=5,
        error_messages={"min_value": _("Số sao phải từ 1 đến 5."), "max_value": _("Số sao phải từ 1 đến 5.")},
    )

    class Meta:
        model = Product
        fields = [
            "name",
            "producer",
            "product_set",
            "commune",
            "description",
            "gtin",
            "standards",
            "certifications",
            "ip_titles",
            "star",
            "decision_number",
            "decision_date",
            "year",
        ]
        widgets = {
            "decision_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "standards": forms.Textarea(attrs={"rows": 2}),
            "certifications": forms.Textarea(attrs={"rows": 2}),
            "ip_titles": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = Producer.objects.visible_to(user)
        self.fields["product_set"].queryset = ProductSet.objects.filter(taxonomy__current=True)
        if self.instance.pk:
            self.initial["commune"] = self.instance.commune_id
        # services.product_update refuses them anyway; here they are not offered.
        if not can_record_recognition(user):
            for name in CERTIFIED_FIELDS:
                del self.fields[name]
            return
        self.fields["year"].widget.attrs.update(min=FIRST_YEAR, max=timezone.localdate().year)
        self.fields["decision_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        cert = certificate_in_force(self.instance) if self.instance.pk else None
        if cert is not None:
            for name in CERTIFIED_FIELDS:
                self.fields[name].disabled = True
            self.fields["star"].help_text = _(
                "Theo giấy chứng nhận %(number)s còn hiệu lực: đổi hạng qua đánh giá lại hoặc thu hồi."
            ) % {"number": cert.number}

    def clean_commune(self):
        commune = self.cleaned_data.get("commune")
        if commune is None and self.cleaned_data.get("producer"):
            return self.cleaned_data["producer"].commune
        return commune


class PhotoForm(forms.Form):
    # A FileField, not an ImageField: services.photo_add reads the bytes itself and says what is wrong.
    image = forms.FileField(
        label=_("Ảnh sản phẩm"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )
    caption = forms.CharField(label=_("Chú thích"), max_length=200, required=False)


class LinkForm(forms.Form):
    platform = forms.ChoiceField(label=_("Sàn"), choices=Platform.choices)
    url = forms.URLField(label=_("Đường dẫn gian hàng"), max_length=500, assume_scheme="https")
    last_checked = date_field(_("Kiểm tra lần cuối"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh sách (.xlsx hoặc .csv)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        limit = private.limit_mb("import")
        if f.size > limit * 1024 * 1024:
            raise forms.ValidationError(_("Tệp lớn quá %(mb)s MB: hãy chia nhỏ danh sách.") % {"mb": limit})
        return f
