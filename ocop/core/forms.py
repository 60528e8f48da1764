"""Form pieces shared by the back-office apps."""

from django import forms

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]  # the browser's date picker, and what people type


def date_field(label, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
