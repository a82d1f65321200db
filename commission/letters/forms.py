"""The letters' forms. They only carry what was typed (and the CSRF token): the rules and their
plain-English messages live in commission.letters.service."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from commission.letters.models import APPROVERS

MARKDOWN_HINT = ("Write in Markdown: a line starting with ## is a heading, a line starting with - is a list "
                 "item, and a line starting with > is set apart as a quote. Any HTML is shown as text, never run.")


class LetterForm(FlaskForm):
    markdown = TextAreaField("The letter")


class ApproveForm(FlaskForm):
    version_id = HiddenField()


class SettingsForm(FlaskForm):
    approver = RadioField("Who approves the letters?", widget=GovRadioInput(), validate_choice=False,
                          choices=[SelectChoice(value, words) for value, words in APPROVERS.items()])
