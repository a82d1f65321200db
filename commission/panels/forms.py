"""The panel settings form. It checks the shape of what was typed (a number is a number); the
ranges and the rules are in commission.panels.settings.update_settings."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (GovCheckboxesInput, GovCheckboxInput, GovRadioInput, GovSubmitInput,
                                                GovTextInput)
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from commission.applications.forms import whole_number
from commission.panels.models import CONFLICT_LEVELS, PanelSettings

NUMBERS = {
    # box: what to say if it is not a whole number
    "scorers_per_application": "Enter the number of scorers as a whole number, like 4.",
    "minutes_per_application": "Enter the minutes as a whole number, like 45.",
    "workload_cap_hours": "Enter the hours as a whole number, like 20.",
    "moderation_tolerance": "Enter the gap as a whole number of points, like 2.",
    "shortlist_percent": "Enter the percentage as a whole number, like 150.",
}


def _whole(message):
    def check(form, field):
        if whole_number(field.data) is None:
            raise ValidationError(message)
    return check


class PanelSettingsForm(FlaskForm):
    scorers_per_application = StringField(
        "How many members score each application", widget=GovTextInput(),
        validators=[_whole(NUMBERS["scorers_per_application"])], description="From 1 to 20. Usually 4.")
    minutes_per_application = StringField(
        "About how long one application takes to read and score, in minutes", widget=GovTextInput(),
        validators=[_whole(NUMBERS["minutes_per_application"])],
        description="Members see this to work out their hours before they say yes.")
    workload_cap_hours = StringField(
        "The most hours any member is asked to give to scoring", widget=GovTextInput(),
        validators=[_whole(NUMBERS["workload_cap_hours"])], description="Nobody is given more work than this.")
    excluded_levels = SelectMultipleField(
        "Which links keep a member away from an application", widget=GovCheckboxesInput(),
        choices=[SelectChoice(level, label) for level, label in CONFLICT_LEVELS.items() if level != "none"],
        validate_choice=False,
        description="A member with one of these links sees only the application's title and does not score it.")
    members_record_own_training = BooleanField("Members can record their own training as done",
                                               widget=GovCheckboxInput(),
                                               description="If not, the facilitator records it.")
    comments_required = BooleanField("Members must write a comment with their scores", widget=GovCheckboxInput(),
                                     description="If not, a comment is up to each member.")
    moderation_tolerance = StringField(
        "How far apart scores can be before the panel talks about them, in points", widget=GovTextInput(),
        validators=[_whole(NUMBERS["moderation_tolerance"])],
        description="If two members' scores for one criterion are further apart than this, it is flagged for "
                    "the panel meeting.")
    shortlist_percent = StringField(
        "How big the suggested shortlist is, as a percentage of the panel's budget", widget=GovTextInput(),
        validators=[_whole(NUMBERS["shortlist_percent"])],
        description="For example 150 means the shortlist asks for one and a half times the money, so "
                    "interviews still leave a choice.")
    budget_method = RadioField(
        "How the suggested shortlist is fitted to the budget", widget=GovRadioInput(), validate_choice=False,
        choices=[SelectChoice("optimal", "Fit in the most total score the budget allows"),
                 SelectChoice("greedy", "Go down the ranking and take each application that still fits")])
    submit = SubmitField("Save the panel settings", widget=GovSubmitInput())

    @classmethod
    def showing(cls, settings: PanelSettings) -> "PanelSettingsForm":
        return cls(formdata=None, data={
            **{name: str(getattr(settings, name)) for name in NUMBERS},
            "excluded_levels": list(settings.excluded_levels),
            "members_record_own_training": settings.members_record_own_training,
            "comments_required": settings.comments_required,
            "budget_method": settings.budget_method})

    @property
    def values(self) -> dict:
        return {**{name: whole_number(self[name].data) for name in NUMBERS},
                "excluded_levels": list(self.excluded_levels.data or []),
                "members_record_own_training": bool(self.members_record_own_training.data),
                "comments_required": bool(self.comments_required.data),
                "budget_method": self.budget_method.data}
