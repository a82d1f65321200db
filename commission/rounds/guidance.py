"""What a panel member is told about each stage: what is happening and what they need to do."""
from __future__ import annotations

from dataclasses import dataclass

MEMBER_NEXT = {
    "draft": "The round is getting ready. Your facilitator will be in touch about the first meeting.",
    "co_design": "The panel is choosing what to look for in each application. Come to the workshops and have your say.",
    "open": "Groups are applying for the money now. You have nothing to do until the closing date.",
    "eligibility": "Staff are checking applications against the published rules. Scoring starts after that.",
    "shortlisting": "The panel is scoring applications and choosing a shortlist.",
    "rest_after_shortlisting": "The panel is resting after shortlisting. Take a break: there is nothing to do.",
    "interviews": "The panel is meeting the shortlisted organisations.",
    "rest_after_interviews": "The panel is resting after the interviews. Take a break: there is nothing to do.",
    "deciding": "The panel is deciding who gets the money.",
    "decided": "The panel has made its decisions. Letters to applicants are being written.",
    "closed": "This round has finished. Thank you for your time.",
    "paused": "This round is paused for now. Your facilitator will tell you when it starts again.",
    "cancelled": "This round was cancelled.",
}

# Stages in which a member gets ready to read applications: training and saying about links.
PREPARING_STAGES = ("eligibility", "shortlisting")


@dataclass(frozen=True)
class NextStep:
    """One thing a member can do next, and where to do it ('prepare', 'scoring' or 'results')."""

    text: str
    place: str | None = None
    link_text: str | None = None


def _applications(n: int) -> str:
    return f"{n} application{'s' if n != 1 else ''}"


def about(minutes: int) -> str:
    """A time in honest, rough words: 'about 45 minutes', 'about 3.5 hours'."""
    if minutes < 60:
        return f"about {minutes} minutes"
    hours = round(minutes / 60, 1)
    shown = f"{hours:g}"
    return f"about {shown} hour{'s' if shown != '1' else ''}"


def member_steps(stage: str, work) -> list[NextStep]:
    """What a member needs to do next in a round, first things first. `work` is their
    commission.progress.service.MemberWork for the round."""
    if work.stepped_back:
        return [NextStep("You stepped back from this round. Thank you for everything you did: "
                         "the scores you sent in still count.")]
    steps = []
    if stage in PREPARING_STAGES:
        if work.training_missing:
            steps.append(NextStep(f"Finish your training: {', '.join(work.training_missing)}.", "prepare",
                                  "Your training"))
        if work.undeclared:
            groups = f"{work.undeclared} group{'s' if work.undeclared != 1 else ''}"
            steps.append(NextStep(f"Say whether you have a link with {groups}.", "prepare",
                                  "Say if you have links with the groups"))
    if stage != "shortlisting":
        return steps
    if work.scoring_closed:
        steps.append(NextStep("Scoring has closed for your panel. Look at the results and vote on the shortlist.",
                              "results", "The results and the shortlist vote"))
    elif work.waiting_to_accept:
        steps.append(NextStep(f"Accept your work: {_applications(work.waiting_to_accept)} to score, "
                              f"{about(work.waiting_to_accept * work.minutes_each)}.", "prepare",
                              "See your work and say yes"))
    elif work.to_score:
        steps.append(NextStep(f"Score {_applications(work.to_score)} more.", "scoring", "Your applications to score"))
    elif work.assigned:
        steps.append(NextStep("You have sent in all your scores. Thank you. You can change them, with a reason, "
                              "until scoring closes.", "scoring", "Your scores"))
    else:
        steps.append(NextStep("The applications have not been shared out yet. Your facilitator will let you know."))
    return steps
