"""The documents' forms. They only carry what was typed (and the CSRF token): the rules and
their plain-English messages live in the service."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

MARKDOWN_HINT = ("Write in Markdown: a line starting with ## is a heading, a line starting with - is a list "
                 "item, and **two stars** make words bold. Any HTML is shown as text, never run.")


class NewDocumentForm(FlaskForm):
    # One of KINDS, chosen with radios (the template lists them); the service checks it.
    kind = StringField("What kind of document is it?")
    title = StringField("Title")
    markdown = TextAreaField("The document")


class VersionForm(FlaskForm):
    markdown = TextAreaField("The document")


class PublishForm(FlaskForm):
    version_id = HiddenField()
    override_reason = TextAreaField("Why should this be published without passing the check?")


class StageEstimatesForm(FlaskForm):
    """Hours per stage come as fields named `hours-<stage>`; see `typed_hours`."""


def typed_hours(formdata, stages: list[str]) -> tuple[dict[str, int], dict[str, str], dict[str, str]]:
    """The whole numbers typed for each stage, what was typed (to show it again), and which
    boxes did not hold a whole number."""
    hours: dict[str, int] = {}
    typed: dict[str, str] = {}
    wrong: dict[str, str] = {}
    for stage in stages:
        value = (formdata.get(f"hours-{stage}") or "").strip()
        typed[stage] = value
        if not value:  # an empty box: no panel work in that stage
            hours[stage] = 0
        elif re.fullmatch(r"[0-9]{1,4}", value):
            hours[stage] = int(value)
        else:
            wrong[stage] = "Enter the hours as a whole number, like 6."
    return hours, typed, wrong
