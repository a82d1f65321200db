import json
from types import SimpleNamespace

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from commission.accounts.models import User
from commission.applications.models import Application
from commission.audit import service
from commission.audit.describe import describe, who
from commission.criteria.models import Motion
from commission.decisions.models import DecisionMotion, ReopenMotion
from commission.documents.models import Document, DocumentVersion
from commission.extensions import db
from commission.interviews.models import QuestionsAgreement
from commission.rounds import policy
from commission.rounds.lookup import round_or_404
from commission.scores import policy as score_policy
from commission.shortlist.models import ShortlistMotion

bp = Blueprint("audit", __name__)
PAGE_SIZE = 100


@bp.get("/rounds/<int:round_id>/audit")
@login_required
def round_log(round_id: int):
    round = round_or_404(round_id, may_change=policy.can_read_audit)
    before = request.args.get("before", type=int)
    entries = service.entries_for_round(round.id, limit=PAGE_SIZE, before_seq=before)
    older = entries[-1].seq if len(entries) == PAGE_SIZE else None
    ids = {e.actor_id for e in entries if e.actor_id}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    count, head_hash = service.head()
    sealed = sealed_until_counted(round, entries)

    def what_happened(entry) -> str:
        # A sealed entry says what kind of thing happened, never its reason or comment.
        return describe(SimpleNamespace(action=entry.action, details="{}") if entry.seq in sealed else entry)
    return render_template("audit/round_log.html", round=round, entries=entries, older=older, names=names,
                           describe=what_happened, who=who, total=count, head_hash=head_hash, sealed=sealed)


VOTES_SEALED = ("kept back until the votes are counted, so nobody sees how each member voted while the vote "
                "is open. They are sealed in the trail all the same.")
SCORES_SEALED = ("kept back until the panel has agreed its shortlist, so nobody outside the panel sees scores, "
                 "comments or reasons while the panel is working. They are sealed in the trail all the same.")
DECIDING = "deciding"
DECISIONS_SEALED = ("kept back until the panel has confirmed its decisions, so staff do not see which way the "
                    "panel leans or who voted how while it decides. They are sealed in the trail all the same.")
# What staff themselves did about decisions is never sealed from staff.
STAFF_DECISION_ACTIONS = ("decision.concern_recorded", "decision.change_refused")
# The panel's own work: scores and the shortlist. Staff see its details once the panel has agreed.
PANEL_WORK = ("score.", "shortlist.")


# Votes whose entries stay sealed while the vote is open: action -> (detail key, open ids of the round).
def _open_criteria_motions(round):
    return select(Motion.id).where(Motion.round_id == round.id, Motion.status == "open")


def _open_decision_motions(round):
    return select(DecisionMotion.id).where(DecisionMotion.round_id == round.id, DecisionMotion.status == "open")


def _open_reopen_motions(round):
    return select(ReopenMotion.id).where(ReopenMotion.round_id == round.id, ReopenMotion.status == "open")


def _unagreed_question_versions(round):
    agreed = select(QuestionsAgreement.version_id).where(QuestionsAgreement.round_id == round.id)
    return select(DocumentVersion.id).join(Document).where(Document.round_id == round.id,
                                                           DocumentVersion.id.not_in(agreed))


OPEN_VOTES = {
    "criteria.voted": ("motion_id", _open_criteria_motions),
    "criteria.vote_changed": ("motion_id", _open_criteria_motions),
    "decision.voted": ("motion_id", _open_decision_motions),
    "decision.vote_changed": ("motion_id", _open_decision_motions),
    "decision.reopen_voted": ("motion_id", _open_reopen_motions),
    "decision.reopen_vote_changed": ("motion_id", _open_reopen_motions),
    "interview_questions.voted": ("version_id", _unagreed_question_versions),
    "interview_questions.vote_changed": ("version_id", _unagreed_question_versions),
}


def sealed_until_counted(round, entries) -> dict[int, str]:
    """Entries whose details would show how a member voted while the vote is still open, or a
    panel's scores, comments, reasons or shortlist before staff may see them: {seq: why kept back}.

    Staff count the votes but must not see how each member voted before then, and must not see
    a panel's scores while it works (no steering). So the page shows that something happened,
    and who did it, and keeps its details back until then."""
    details = {e.seq: json.loads(e.details) for e in entries}
    votes = [e for e in entries if e.action in OPEN_VOTES]
    # One query per kind of vote on the page, whatever the number of entries.
    still_open = {finder: set(db.session.scalars(finder(round)))
                  for finder in {OPEN_VOTES[e.action][1] for e in votes}}
    sealed = {e.seq: VOTES_SEALED for e in votes
              if details[e.seq].get(OPEN_VOTES[e.action][0]) in still_open[OPEN_VOTES[e.action][1]]}
    if DECIDING in (round.stage, round.paused_from):
        # While the panel decides, staff see that it is working, not which way it leans or who blocks.
        for e in entries:
            if e.action.startswith("decision.") and e.action not in STAFF_DECISION_ACTIONS:
                sealed.setdefault(e.seq, DECISIONS_SEALED)
    work = [e for e in entries if e.action.startswith(PANEL_WORK)]
    if not work:
        return sealed
    application_ids = {details[e.seq].get("application_id") for e in work} - {None}
    motion_ids = {details[e.seq].get("motion_id") for e in work if e.action.startswith("shortlist.")} - {None}
    panel_of_application = dict(db.session.execute(
        select(Application.id, Application.panel_id).where(Application.id.in_(application_ids))).all()) \
        if application_ids else {}
    motions = {m.id: (m.panel_id, m.status) for m in db.session.execute(
        select(ShortlistMotion.id, ShortlistMotion.panel_id, ShortlistMotion.status)
        .where(ShortlistMotion.id.in_(motion_ids), ShortlistMotion.round_id == round.id))} if motion_ids else {}
    results_open: dict[int, bool] = {}

    def open_to_me(panel_id) -> bool:
        if panel_id not in results_open:
            results_open[panel_id] = score_policy.staff_see_results(current_user, round, panel_id)
        return results_open[panel_id]

    for entry in work:
        said = details[entry.seq]
        motion = motions.get(said.get("motion_id"))
        panel_id = (said.get("panel_id") or panel_of_application.get(said.get("application_id"))
                    or (motion[0] if motion else None))
        vote_still_open = "vote" in entry.action and motion is not None and motion[1] == "open"
        if panel_id is None or vote_still_open or not open_to_me(panel_id):
            sealed[entry.seq] = VOTES_SEALED if vote_still_open else SCORES_SEALED
    return sealed
