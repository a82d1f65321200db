"""Forms for applicants and facilitators. They check the shape of what was typed (a number is a
number); the rules themselves are in the services."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (GovCheckboxInput, GovFileInput, GovPasswordInput, GovRadioInput,
                                                GovSubmitInput, GovTextArea, GovTextInput)
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, ValidationError

MONEY = re.compile(r"^£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?$")


def pounds_to_pence(text: str | None) -> int | None:
    """'£12,500', '12500' or '12500.50' in pence; None if it is not an amount of money."""
    found = MONEY.match((text or "").strip())
    if not found:
        return None
    return int(found.group(1).replace(",", "")) * 100 + int(found.group(2) or 0)


def pence_to_pounds(pence: int | None) -> str:
    if pence is None:
        return ""
    return f"{pence // 100}" if pence % 100 == 0 else f"{pence / 100:.2f}"


def whole_number(text: str | None) -> int | None:
    text = (text or "").strip()
    # Only 0-9: str.isdigit() also accepts characters such as "²", which int() refuses.
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else None


class RegisterForm(FlaskForm):
    name = StringField("Your name", widget=GovTextInput())
    email = EmailField("Email address", widget=GovTextInput(),
                       description="We will use this to sign you in. We will not share it.")
    organisation = StringField("Your organisation's name", widget=GovTextInput())
    password = PasswordField("Password", widget=GovPasswordInput(),
                             description="At least 10 characters. Three random words make a good password.")
    password_again = PasswordField("Type the password again", widget=GovPasswordInput(),
                                   validators=[EqualTo("password", message="The two passwords are not the same. "
                                                                           "Type the same password in both boxes.")])
    submit = SubmitField("Create your account", widget=GovSubmitInput())


class DetailsForm(FlaskForm):
    """The fixed part of every application."""

    organisation = StringField("Your organisation's name", widget=GovTextInput())
    contact_name = StringField("Who should we contact about this application?", widget=GovTextInput())
    title = StringField("Your project's title", widget=GovTextInput(),
                        description="A few words that say what the project is.")
    summary = TextAreaField("Summary of your project", widget=GovTextArea())
    amount = StringField("How much money are you asking for?", widget=GovTextInput(),
                         description="In pounds, for example 12500.")
    timescale = StringField("How many months will the project take?", widget=GovTextInput(),
                            description="A whole number of months, for example 12.")
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def validate_amount(self, field):
        if pounds_to_pence(field.data) is None:
            raise ValidationError("Enter the amount in pounds, like 12500 or £12,500.")

    def validate_timescale(self, field):
        if whole_number(field.data) is None:
            raise ValidationError("Enter the timescale as a whole number of months, like 12.")

    @property
    def values(self) -> dict:
        return {"organisation": self.organisation.data or "", "contact_name": self.contact_name.data or "",
                "title": self.title.data or "", "summary": self.summary.data or "",
                "amount_requested_pence": pounds_to_pence(self.amount.data),
                "timescale_months": whole_number(self.timescale.data)}


def application_form(questions, **kwargs) -> DetailsForm:
    """The whole form for one round: the fixed fields, then a box for each of its questions."""

    class ApplicationForm(DetailsForm):
        pass

    for question in questions:
        setattr(ApplicationForm, f"answer_{question.id}",
                TextAreaField(f"Question {question.position}: {question.text}", widget=GovTextArea(),
                              description=f"Up to {question.word_limit} words."))
    return ApplicationForm(**kwargs)


class ConfirmForm(FlaskForm):
    """A button and its CSRF token: the request needs nothing else."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Why are you withdrawing? (optional)", widget=GovTextArea(),
                           description="This helps the programme learn. You do not have to say.")
    submit = SubmitField("Withdraw your application", widget=GovSubmitInput())


class AttachmentForm(FlaskForm):
    file = FileField("Add a file", widget=GovFileInput())
    submit = SubmitField("Add the file", widget=GovSubmitInput())


class SettingsForm(FlaskForm):
    allow_attachments = BooleanField("Applicants can add files to their application", widget=GovCheckboxInput())
    max_attachment_mb = StringField("Largest file, in MB", widget=GovTextInput(),
                                    description="Up to 9 MB for each file.")
    summary_word_limit = StringField("Word limit for the summary", widget=GovTextInput())
    answer_word_limit = StringField("Word limit for each answer", widget=GovTextInput(),
                                    description="This sets the limit on every question.")
    submit = SubmitField("Save the settings", widget=GovSubmitInput())

    def validate_max_attachment_mb(self, field):
        if whole_number(field.data) is None:
            raise ValidationError("Enter the largest file size as a whole number of MB, like 5.")

    def validate_summary_word_limit(self, field):
        if whole_number(field.data) is None:
            raise ValidationError("Enter the word limit as a whole number, like 150.")

    def validate_answer_word_limit(self, field):
        if whole_number(field.data) is None:
            raise ValidationError("Enter the word limit as a whole number, like 300.")


class RulesForm(FlaskForm):
    rules = TextAreaField("Eligibility rules", widget=GovTextArea(),
                          description="One rule on each line. Applicants read these before they apply.")
    submit = SubmitField("Publish the rules", widget=GovSubmitInput())


class QuestionForm(FlaskForm):
    text = TextAreaField("Question", widget=GovTextArea())
    word_limit = StringField("Word limit", widget=GovTextInput())
    submit = SubmitField("Save the question", widget=GovSubmitInput())

    def validate_word_limit(self, field):
        if whole_number(field.data) is None:
            raise ValidationError("Enter the word limit as a whole number, like 300.")


MET_CHOICES = [SelectChoice("met", "Meets this rule"), SelectChoice("not_met", "Does not meet this rule")]


def eligibility_form(rules, **kwargs) -> FlaskForm:
    """For each published rule: met or not, and if not, why (the applicant reads the reason)."""

    class EligibilityForm(FlaskForm):
        submit = SubmitField("Save the eligibility check", widget=GovSubmitInput())

    for rule in rules:
        setattr(EligibilityForm, f"rule_{rule.id}",
                RadioField(f"Rule {rule.position}: {rule.text}", choices=MET_CHOICES, validate_choice=False,
                           widget=GovRadioInput()))
        setattr(EligibilityForm, f"reason_{rule.id}",
                TextAreaField(f"If the application does not meet rule {rule.position}, say why",
                              widget=GovTextArea(),
                              description="The applicant will read this. Say which part of the rule is not met."))
    return EligibilityForm(**kwargs)


class SimpleEligibilityForm(FlaskForm):
    """For a round without written rules: does the application meet the published rules?"""

    eligible = RadioField("Does the application meet the published rules?", validate_choice=False,
                          choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")], widget=GovRadioInput())
    reason = TextAreaField("If not, say which rule it does not meet and why", widget=GovTextArea(),
                           description="The applicant will read this.")
    submit = SubmitField("Save the eligibility check", widget=GovSubmitInput())
