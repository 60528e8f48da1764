from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Measure


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2018, max_value=2035)
    measure = forms.ChoiceField(label=_("Chỉ tiêu"), choices=Measure.choices)
    value = forms.IntegerField(label=_("Mức phấn đấu"), min_value=1, max_value=1_000_000)
    source = forms.CharField(label=_("Căn cứ (nghị quyết, kế hoạch)"), max_length=200, required=False)


class OutcomeForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2018, max_value=2035)
    revenue = forms.IntegerField(label=_("Doanh thu (triệu đồng)"), min_value=0, max_value=10**9)
    jobs = forms.IntegerField(label=_("Số lao động"), min_value=0, max_value=1_000_000)
    output = forms.DecimalField(
        label=_("Sản lượng"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    output_unit = forms.CharField(label=_("Đơn vị sản lượng (tấn, lít, hộp…)"), max_length=30, required=False)
    avg_income = forms.DecimalField(
        label=_("Thu nhập bình quân (triệu đồng/người/tháng)"),
        min_value=0,
        max_value=10_000,
        max_digits=7,
        decimal_places=2,
        required=False,
    )
