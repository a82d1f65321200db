"""The form for uploading a filled-in scoring file. The file itself is checked by
`commission.scores.workbook`; the form carries the CSRF token and the file box."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField


class UploadForm(FlaskForm):
    workbook = FileField("Your filled-in scoring file", widget=GovFileInput())
    submit = SubmitField("Upload and save my scores", widget=GovSubmitInput())
