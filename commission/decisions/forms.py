"""The shape of what was typed on the decision forms. The rules are in commission.decisions.service."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField

from commission.applications.forms import pounds_to_pence


class ProposalForm(FlaskForm):
    """What a member proposes for one application. The page draws the boxes itself (radios that
    reveal the part-award boxes, and the criteria to tick)."""

    outcome = StringField()
    amount = StringField()
    covers = TextAreaField()
    reason = TextAreaField()
    criteria = SelectMultipleField(validate_choice=False)

    def proposal(self) -> dict:
        """Keyword arguments for service.propose. An amount that is not money is None (the service
        says how to type it)."""
        return dict(reason=self.reason.data, criterion_ids=self.criteria.data or [],
                    amount_pence=pounds_to_pence(self.amount.data), covers=self.covers.data)

    def typed(self) -> dict:
        """What was typed, to show the form again after a mistake."""
        return dict(outcome=self.outcome.data or "", amount=self.amount.data or "", covers=self.covers.data or "",
                    reason=self.reason.data or "", criteria={str(c) for c in self.criteria.data or []})
