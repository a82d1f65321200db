"""Accounts: creating people and checking who they are."""
from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from commission.accounts.models import ROLE_LABELS, Role, User
from commission.audit import service as audit
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db

_STRONG = PasswordHasher()  # argon2id with the library's recommended cost (RFC 9106 low-memory)
# Tests make hundreds of accounts; they may ask for the cheapest cost. Never in production.
_CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)
_DUMMY = {}


def _hasher() -> PasswordHasher:
    return _CHEAP if current_app.config.get("PASSWORD_HASH_CHEAP_FOR_TESTS") else _STRONG


def _dummy_hash() -> str:
    """Checked when no account matches, so a wrong email takes as long as a wrong password."""
    hasher = _hasher()
    if hasher not in _DUMMY:
        _DUMMY[hasher] = hasher.hash("not a real password")
    return _DUMMY[hasher]
MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise RuleBroken(f"'{email}' is not an email address. Check it and try again.") from None


def parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise RuleBroken(f"'{role}' is not a role. The roles are: {names}.") from None


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleBroken(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long. "
                         "Three random words make a good one.")


def check_email_free(email: str) -> None:
    if db.session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise RuleBroken(f"There is already an account for {email}.")


def create_user(actor, email: str, name: str, role: str, password: str) -> User:
    """Make an account. Only an administrator (or the command line) may do this."""
    if actor is not None and getattr(actor, "role", None) != Role.administrator.value:
        raise NotAllowed("Only an administrator can create accounts.")
    email = normalise_email(email)
    chosen = parse_role(role)
    if not name.strip():
        raise RuleBroken("Give the person's name.")
    check_password_rules(password)
    check_email_free(email)
    user = User(email=email, name=name.strip(), role=chosen.value, password_hash=_hasher().hash(password))
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "account.created", "user", user.id, role=chosen.value)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if the email and password match an active account, else None."""
    try:
        email = normalise_email(email)
    except RuleBroken:
        return None
    user = db.session.scalar(select(User).where(User.email == email))
    try:
        PasswordHasher().verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return user


def role_label(role: str) -> str:
    return ROLE_LABELS[Role(role)]
