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


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing a posted number past 64 bits as an invalid choice: Django puts the posted values
    in a `pk__in` query as they are, and SQLite raised OverflowError (a 500) for such a number."""

    def _check_values(self, value):
        for v in value:
            try:
                too_big = abs(int(str(v).strip())) >= 2**63
            except ValueError:
                continue  # not a number: Django's own check says so
            if too_big:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": v}
                )
        return super()._check_values(value)
