"""A programme's own plain-English rules: its reading-ease threshold and extra jargon."""
from __future__ import annotations

from dataclasses import dataclass

from commission.audit import service as audit
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.programmes.models import Programme, ProgrammeJargon
from commission.rounds import policy


@dataclass(frozen=True)
class PlainEnglishRules:
    min_flesch: int
    extra_jargon: dict[str, str]


def plain_english_rules(programme: Programme) -> PlainEnglishRules:
    return PlainEnglishRules(programme.min_flesch, {j.term: j.plain for j in programme.jargon})


def _require_admin(actor) -> None:
    if actor is not None and not policy.can_administer(actor):
        raise NotAllowed("Only an administrator can change a programme's plain-English rules.")


def add_jargon(actor, programme: Programme, term: str, plain: str) -> ProgrammeJargon:
    _require_admin(actor)
    term, plain = (term or "").strip().lower(), (plain or "").strip()
    if not term or not plain:
        raise RuleBroken("Give the word to avoid and the plain word to use instead.")
    if any(j.term == term for j in programme.jargon):
        raise RuleBroken(f"'{term}' is already on this programme's list.")
    entry = ProgrammeJargon(programme_id=programme.id, term=term, plain=plain)
    programme.jargon.append(entry)
    db.session.flush()
    audit.record(actor, "programme.jargon_added", "programme", programme.id, term=term, plain=plain)
    return entry


def set_min_flesch(actor, programme: Programme, value: int) -> None:
    _require_admin(actor)
    if not 30 <= value <= 90:
        raise RuleBroken("The reading-ease threshold must be between 30 and 90. Most plain English scores 60 or more.")
    before = programme.min_flesch
    programme.min_flesch = value
    db.session.flush()
    audit.record(actor, "programme.min_flesch_set", "programme", programme.id, min_flesch=audit.change(before, value))
