"""The console's rule for edit forms: a POST changes only what it really submitted.

An edit dialog shows an entity's current values and sends them back with the user's changes. A submission that
leaves a field out (a hand-made request, a truncated form, an older page) must not reset that field to its empty
value, as a plain ``forms.Form`` would: its ``cleaned_data`` holds every field, the omitted ones empty.
:class:`EditForm` tells omitted fields from submitted ones by asking each widget, as Django's model forms do
(``value_omitted_from_data``: a checkbox is never omitted, since a browser leaves an unticked one out):

* :attr:`EditForm.changes` holds only the submitted fields, the parameters the view passes to its operation;
* a required field left out is an error on that field (Django's "This field is required.");
* a submission without any of the form's fields is an error on the form: nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django import forms

#: The form error of a submission that carries none of the form's fields.
NOTHING_SUBMITTED = "The form sent none of its fields: nothing was changed."


class EditForm(forms.Form):
    """A console edit form: see the module's docstring."""

    def submitted(self, name: str) -> bool:
        """Whether the bound data carries the field ``name`` (an unticked checkbox counts as submitted)."""
        widget = self.fields[name].widget
        return not widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name))

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if not any(self.add_prefix(name) in self.data or self.add_prefix(name) in self.files for name in self.fields):
            raise forms.ValidationError(NOTHING_SUBMITTED, code="nothing-submitted")
        return data

    @property
    def changes(self) -> dict[str, Any]:
        """The cleaned values of the submitted fields only (call after ``is_valid()``)."""
        return {name: value for name, value in self.cleaned_data.items() if self.submitted(name)}


def errors_text(form: forms.Form) -> str:
    """All of a form's errors in one sentence, for a page that shows a refused form as a banner."""
    return " ".join(str(text) for errors in form.errors.values() for text in errors)
