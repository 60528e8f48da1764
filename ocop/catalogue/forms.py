from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.bounds import max_length
from ocop.core.forms import date_field
from ocop.geo.models import Province

from .models import Fair


class FairForm(forms.Form):
    name = forms.CharField(label=_("Tên sự kiện"), max_length=255)
    kind = forms.ChoiceField(label=_("Loại"), choices=Fair.Kind.choices)
    province = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố nơi tổ chức"), queryset=Province.objects.order_by("name")
    )
    venue = forms.CharField(label=_("Địa điểm"), max_length=255)
    starts_on = date_field(_("Từ ngày"))
    ends_on = date_field(_("Đến ngày"))
    organiser = forms.CharField(label=_("Đơn vị tổ chức"), max_length=255, required=False)
    description = forms.CharField(
        label=_("Giới thiệu"),
        required=False,
        max_length=max_length(Fair, "description"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    website = forms.URLField(label=_("Trang web"), required=False, assume_scheme="https")
    lat = forms.DecimalField(label=_("Vĩ độ"), required=False, min_value=7, max_value=24, decimal_places=5)
    lon = forms.DecimalField(
        label=_("Kinh độ"), required=False, min_value=101, max_value=118, decimal_places=5
    )

    def __init__(self, *args, province_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if province_id:  # a provincial office organises fairs in its own province
            self.fields["province"].queryset = Province.objects.filter(code=province_id)
            self.fields["province"].initial = province_id
