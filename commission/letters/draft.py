"""The words of a feedback letter, drafted from what happened to the application. Pure: the
service gathers the facts (commission.letters.service.facts_for) and this writes them down.

Each criterion's result is told with the criteria's own words: the descriptor of the point of
the scale nearest the panel's average (as the results page does, PanelResults.mean_words),
with the average beside it, never the average alone. Sentences are short and the words
everyday, so that a draft passes the plain-English check unless the panel's own words are long.
"""
from __future__ import annotations

from dataclasses import dataclass

from commission.decisions.policy import money
from commission.shortlist.results import nearest_point

SIGN_OFF = "If you have a question about this letter, please get in touch with us."


@dataclass(frozen=True)
class CriterionResult:
    title: str
    descriptor: str   # the criterion's own words for the point nearest the average
    point: int
    mean: float
    scale_max: int

    @property
    def words(self) -> str:
        return (f"{self.title}: closest to ‘{_no_stop(self.descriptor)}’. "
                f"The average score was {self.mean:.1f} out of {self.scale_max}.")


def criterion_results(criteria, per_criterion: dict[int, float], scale_max: int) -> list[CriterionResult]:
    """For each criterion scored, in position order: its nearest descriptor and average."""
    found = []
    for criterion in criteria:
        if criterion.id in per_criterion:
            mean = per_criterion[criterion.id]
            point = nearest_point(mean, criterion.descriptors)
            found.append(CriterionResult(criterion.title, criterion.descriptors[point], point, mean, scale_max))
    return found


@dataclass(frozen=True)
class LetterFacts:
    """Everything a letter says, gathered by the service."""

    contact_name: str
    title: str
    round_name: str
    programme_name: str
    status: str                       # the application's status (a finished one)
    requested_pence: int
    interviews: bool                  # the round's workflow has interviews
    amount_pence: int = 0             # what the panel awarded
    covers: str | None = None         # what a part award pays for
    reason: str | None = None         # the panel's reason for its decision
    reason_about: tuple[str, ...] = ()  # titles of the criteria the reason is about
    second_key_withheld: bool = False
    positions: tuple[tuple[str, str], ...] = ()  # (panel name, what it said) in a dual-key round
    results: tuple[CriterionResult, ...] = ()
    below_minimum: bool = False
    unmet: tuple[tuple[str, str], ...] = ()  # (published rule, why it is not met)
    eligibility_reason: str | None = None


def _no_stop(text: str) -> str:
    return text.strip().rstrip(".")


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _list(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def markdown(facts: LetterFacts) -> str:
    lines = [f"Dear {facts.contact_name},", "",
             f"Thank you for applying to {facts.round_name} for your project, ‘{facts.title}’.", ""]
    if facts.status == "ineligible":
        lines += _ineligible(facts)
    elif facts.status == "not_shortlisted":
        lines += _not_shortlisted(facts)
    else:
        lines += _decided(facts)
    lines += ["## If you have a question", "", SIGN_OFF, "",
              f"From the panel and the team at {facts.programme_name}"]
    return "\n".join(lines).strip() + "\n"


def _decided(facts: LetterFacts) -> list[str]:
    lines = ["## What the panel decided", ""]
    if facts.status == "funded":
        lines += [f"The panel has decided to fund your project in full. You will get {money(facts.amount_pence)}.", ""]
    elif facts.status == "part_funded":
        lines += ["The panel has decided to fund part of your project.",
                  f"You will get {money(facts.amount_pence)} of the {money(facts.requested_pence)} you asked for.",
                  "", "The money pays for this:", "", f"> {_sentence(facts.covers or '')}", ""]
    elif facts.second_key_withheld:
        lines += ["We are sorry. We cannot fund your project this time.", "",
                  "In this round, two panels must both agree before a project is funded. They did not both agree.", ""]
        lines += [f"- {name}: {said}." for name, said in facts.positions] + [""]
    else:
        lines += ["We are sorry. The panel has decided not to fund your project this time.", ""]
    if facts.reason:
        lines += ["## What the panel said", "", f"> {_sentence(facts.reason)}", ""]
        if facts.reason_about:
            lines += [f"This is about {_list(f'‘{t}’' for t in facts.reason_about)}.", ""]
    lines += _results(facts)
    lines += ["## What happens next", ""]
    if facts.status in ("funded", "part_funded"):
        lines += ["We will write to you soon about how and when you get the money.", ""]
    else:
        lines += ["We know this is not the news you hoped for. You are welcome to apply again in a later round.", ""]
    return lines


def _not_shortlisted(facts: LetterFacts) -> list[str]:
    after = "invite you to an interview" if facts.interviews else "look at it again when it made its decisions"
    lines = ["## What the panel decided", "",
             "We are sorry. Your project was not chosen for the shortlist.",
             f"So the panel did not {after}.", "",
             "The panel scored each application. Then it chose a shortlist that fits the money it has to give.", ""]
    if facts.below_minimum:
        lines += ["Your total score was below the lowest score the panel agreed a project needs.", ""]
    lines += _results(facts)
    lines += ["## What happens next", "",
              "We know this is not the news you hoped for. You are welcome to apply again in a later round.", ""]
    return lines


def _ineligible(facts: LetterFacts) -> list[str]:
    lines = ["## What we found", "",
             "We are sorry. Your application does not meet the published rules for this round.",
             "So the panel did not score it.", ""]
    if facts.unmet:
        lines += ["These are the rules it does not meet, and why.", ""]
        lines += [f"- {_sentence(rule)} {_sentence(why)}" for rule, why in facts.unmet] + [""]
    elif facts.eligibility_reason:
        lines += [f"> {_sentence(facts.eligibility_reason)}", ""]
    lines += ["We only checked the published rules. Nobody judged how good your project is.", "",
              "## What happens next", "", "You are welcome to apply again in a later round.", ""]
    return lines


def _results(facts: LetterFacts) -> list[str]:
    if not facts.results:
        return []
    return ["## How your application did", "",
            "The panel scored each application on the things it said matter most. "
            "For each one, here are the panel's own words that come closest to your scores.", "",
            *[f"- {result.words}" for result in facts.results], ""]
