"""Who may write and read a round's documents. Services enforce these; views turn them into
403/404; templates use them only to hide what would be refused."""
from __future__ import annotations

from commission.documents.models import APPLICANT_KINDS, Document
from commission.rounds import policy as round_policy
from commission.rounds.models import Round

READERS = ("facilitator", "member", "funder")


def can_write_documents(user, round: Round) -> bool:
    """Writing, changing and publishing: the round's facilitators only."""
    return round_policy.can_manage_round(user, round)


def is_applicant(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role == "applicant"


def round_is_public(round: Round) -> bool:
    """The round has opened for applications (it may have moved on, paused or ended since)."""
    return round.entered("open") is not None


def can_list_documents(user, round: Round) -> bool:
    """People of the round; and applicants, once the round has opened for applications.

    Applicants have no part in a round (no RoundPerson row), so for now any applicant may
    read the applicant documents of an open round: they are the public call."""
    return round_policy.can_view_round(user, round) or (is_applicant(user) and round_is_public(round))


def can_read_document(user, round: Round, document: Document) -> bool:
    """May `user` read the published version of `document`? Staff also see drafts, on the
    page where they write them (see can_write_documents)."""
    if document.round_id != round.id:
        return False
    role = round_policy.round_role(user, round)
    if role == "facilitator":
        return True
    if document.published is None:
        return False
    if role in ("member", "funder"):
        return True
    return is_applicant(user) and document.kind in APPLICANT_KINDS and round_is_public(round)


def sees_override_reason(user, round: Round) -> bool:
    """Why a document was published without passing the check: for the panel and the funder
    (and the staff who wrote it). Applicants read the document itself."""
    return round_policy.round_role(user, round) in READERS
