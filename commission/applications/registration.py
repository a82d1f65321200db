"""An applicant organisation makes its own account. Other accounts are made by an administrator."""
from __future__ import annotations

from commission.accounts import service as accounts
from commission.accounts.models import User
from commission.applications.models import ApplicantOrganisation
from commission.audit import service as audit
from commission.errors import FieldProblem, RuleBroken
from commission.extensions import db

NAME_MAX_CHARS = 200


def register(name: str, email: str, organisation: str, password: str) -> User:
    """An applicant account, with the organisation it applies for. Every problem is found at once."""
    problems: dict[str, str] = {}
    name, organisation = (name or "").strip(), (organisation or "").strip()
    if not name:
        problems["name"] = "Enter your name."
    elif len(name) > NAME_MAX_CHARS:
        problems["name"] = f"Keep your name to {NAME_MAX_CHARS} characters or fewer."
    try:
        email = accounts.normalise_email(email or "")
    except RuleBroken:
        problems["email"] = "Enter an email address in the right form, like name@example.org."
    else:
        try:
            accounts.check_email_free(email)
        except RuleBroken:
            problems["email"] = "There is already an account for this email address. Sign in instead."
    if not organisation:
        problems["organisation"] = "Enter the name of your organisation."
    elif len(organisation) > NAME_MAX_CHARS:
        problems["organisation"] = f"Keep the organisation's name to {NAME_MAX_CHARS} characters or fewer."
    try:
        accounts.check_password_rules(password or "")
    except RuleBroken as err:
        problems["password"] = str(err)
    if problems:
        raise FieldProblem(problems)
    # The system makes the account (as the command line does); the applicant registers it.
    user = accounts.create_user(None, email, name, "applicant", password)
    db.session.add(ApplicantOrganisation(user_id=user.id, name=organisation))
    db.session.flush()
    audit.record(user, "account.registered", "user", user.id, role=user.role)
    return user


def organisation_of(user) -> str | None:
    found = db.session.get(ApplicantOrganisation, user.id)
    return found.name if found else None
