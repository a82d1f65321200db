"""Audit entries in words a funder or panel member can read. The chain itself stays ids."""
from __future__ import annotations

import json

from workflows import STAGE_LABELS

ACTIONS = {
    "account.created": "created an account",
    "account.signed_in": "signed in",
    "account.signed_out": "signed out",
    "programme.created": "set up the programme",
    "round.created": "set up the round",
    "panel.created": "added a panel",
    "round.person_added": "added someone to the round",
    "round.closing_date_set": "set the closing date for applications",
    "round.pause": "paused the round",
    "round.resume": "started the round again",
    "round.cancel": "cancelled the round",
    "application.created": "started an application",
    "application.submitted": "sent in an application",
    "application.eligibility_recorded": "recorded an eligibility check",
    "criteria.proposed": "proposed a criterion",
    "criteria.amended": "changed a proposed criterion",
    "criteria.commented": "commented on a proposed criterion",
    "criteria.motion_moved": "put a set of criteria to the vote",
    "criteria.motion_withdrawn": "withdrew a vote on criteria",
    "criteria.voted": "voted on the criteria",
    "criteria.vote_changed": "changed their vote on the criteria",
    "criteria.votes_counted": "counted the votes on the criteria",
    "criteria.adopted": "adopted a new version of the criteria",
    "account.registered": "registered an applicant account",
    "application.updated": "changed an application",
    "application.withdrawn": "withdrew an application",
    "application.attachment_added": "added a file to an application",
    "application.attachment_removed": "removed a file from an application",
    "application.eligibility_checked": "checked an application against the published rules",
    "application_form.settings_changed": "changed the application form's settings",
    "application_form.questions_prepared": "made the application questions from the adopted criteria",
    "application_form.question_reworded": "changed how an application question is put",
    "eligibility.rules_set": "published the eligibility rules",
    "document.created": "wrote a new document",
    "document.revised": "saved a new version of a document",
    "document.published": "published a document",
    "stage_estimates.set": "set the hours each stage takes",
    "programme.jargon_added": "added a word to the programme's jargon list",
    "programme.min_flesch_set": "changed the programme's reading-ease threshold",
    "training.set": "set the training members need before reading applications",
    "training.recorded": "recorded a member's training as done",
    "conflict.declared": "said whether they have a link with an application's group",
    "assignments.shared_out": "shared the applications out among the panel",
    "assignments.accepted": "accepted their share of the scoring",
    "score.draft_saved": "saved a draft of their scores",
    "score.submitted": "sent in their scores for an application",
    "score.revised": "changed their scores for an application",
    "score.set_aside": "set a member's scores aside because of a conflict of interest",
    "score.workbook_downloaded": "downloaded a scoring file to score offline",
    "score.workbook_imported": "uploaded a filled-in scoring file",
    "scoring.closed": "closed a panel's scoring",
    "shortlist.suggested": "put the shortlist suggested by the ranking and the budget to the panel",
    "shortlist.voted": "voted on the shortlist",
    "shortlist.vote_changed": "changed their vote on the shortlist",
    "shortlist.change_proposed": "proposed a change to the shortlist",
    "shortlist.agreed": "completed the panel's agreement of its shortlist",
    "application.shortlisted": "put an application on the shortlist, as the panel agreed",
    "application.not_shortlisted": "left an application off the shortlist, as the panel agreed",
    "assignment.released": "passed on a piece of scoring after declaring a link with the group",
    "assignments.reassigned": "had the scoring they passed on shared out to other members by the same rules",
    "assignment.moved": "moved a piece of scoring to another member",
    "member.stepped_back": "stepped back from the round",
    "panel_settings.changed": "changed the panel's settings",
    "decision.proposed": "proposed a decision on an application",
    "decision.voted": "voted on a proposed decision",
    "decision.vote_changed": "changed their vote on a proposed decision",
    "decision.agreed": "completed the panel's agreement of a decision",
    "decision.not_agreed": "completed a vote in which the panel did not agree a proposed decision",
    "decision.back_to_discussion": "sent a proposed decision back to discussion, as consensus was not reached",
    "decision.key_withheld": "completed a vote in which another panel did not agree, so the group is not funded",
    "decision.made": "recorded the panel's decision on an application",
    "decision.confirmed": "confirmed and locked a decision the panel made again after reopening it",
    "decision.reopen_proposed": "asked the panel to reopen named decisions",
    "decision.reopen_voted": "voted on reopening decisions",
    "decision.reopen_vote_changed": "changed their vote on reopening decisions",
    "decision.reopen_agreed": "completed the panel's agreement to reopen named decisions",
    "decision.reopen_not_agreed": "completed a vote in which the panel did not agree to reopen decisions",
    "decision.reopen_back_to_discussion": "sent a request to reopen decisions back to discussion",
    "decision.reopened": "reopened a decision, as the panel voted",
    "decision.concern_recorded": "recorded a concern about a decision (it changes nothing)",
    "decision.change_refused": "tried to change the panel's decisions and was refused",
    "interview_settings.changed": "changed how many members interview each group",
    "interview_slot.added": "offered a time for interviews",
    "interview_slot.cancelled": "cancelled an interview time",
    "interview.booked": "booked a time for an interview",
    "interview.moved": "moved an interview to another time",
    "interview.cancelled": "cancelled an interview",
    "interview.interviewers_set": "set who interviews a group",
    "interview.adjustment_asked": "asked for something they need at interviews",
    "interview.adjustment_confirmed": "confirmed that something a person needs at interviews is arranged",
    "interview.notes_written": "wrote notes on an interview",
    "interview_questions.voted": "voted on the interview questions",
    "interview_questions.vote_changed": "changed their vote on the interview questions",
    "interview_questions.agreed": "completed the panel's agreement of the interview questions",
    "letter_settings.changed": "changed who approves the feedback letters",
    "letter.drafted": "drafted a feedback letter from what happened to an application",
    "letter.revised": "changed a feedback letter, as a new version that needs approving",
    "letter.approved": "approved a feedback letter, so the group can read it",
}


def describe(entry) -> str:
    """What happened, as the end of a sentence that starts with who did it."""
    details = json.loads(entry.details)
    if entry.action in ACTIONS:
        text = ACTIONS[entry.action]
    elif entry.action.startswith("round.") and isinstance(details.get("stage"), dict):
        stage = details["stage"]
        text = (f"moved the round from {STAGE_LABELS.get(stage['before'], stage['before']).lower()} "
                f"to {STAGE_LABELS.get(stage['after'], stage['after']).lower()}")
    else:
        text = entry.action.replace(".", ": ").replace("_", " ")
    reason = details.get("reason") or details.get("override_reason")
    if details.get("override_reason"):
        text = "published a document without passing the plain-English check"
    return f"{text}. Reason: {reason}" if reason else text


def who(entry, names: dict[int, str]) -> str:
    if entry.actor_id is None:
        return "The system"
    return names.get(entry.actor_id, f"Account {entry.actor_id}")
