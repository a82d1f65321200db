"""The plain-English check: pure functions, no Flask, no database.

A document passes when
- its Flesch reading ease is at least `min_flesch` (60 unless the programme says otherwise),
- no sentence has more than `max_sentence_words` words (25),
- sentences average at most `max_average_words` words (20), and
- it uses no word from the jargon list (plus the programme's own additions).

Text may be Markdown. It is read the way a person reads the page: headings, list items and
table cells are each a sentence of their own even without a full stop, links count as their
link text, and code blocks are left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import textstat
from markdown_it import MarkdownIt

from commission.plain_english.jargon import ACRONYMS, JARGON

ProblemKind = Literal["readability", "long_sentence", "average_sentence", "jargon"]

# Flesch reading ease is 206.835 - 1.015 × (words per sentence) - 84.6 × (syllables per word).
# On a few words it swings wildly: one long word in a four-word notice takes it from 90 to
# below 0 ("Remember the consultation evening." scores -8). Skipping the rule for short texts
# would let a string of long words through, so instead a text under SHORT_TEXT_WORDS words
# is scored as if it went on to that length in everyday words (EVERYDAY_SYLLABLES words
# carry about 1.4 syllables each; plain English runs 1.3 to 1.5). One long word no longer
# sinks a short notice ("Remember the consultation evening." scores 72), but a notice made
# of long words still fails ("Registration closes Friday. Refreshments provided.
# Accessibility information available." scores 38).
# From SHORT_TEXT_WORDS words on, the score is the ordinary Flesch reading ease.
SHORT_TEXT_WORDS = 30
EVERYDAY_SYLLABLES = 1.4

# Longest quote of a sentence inside a message; the full sentence is in Problem.sentence.
QUOTE_LIMIT = 300


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    message: str
    sentence: str | None = None
    term: str | None = None
    suggestion: str | None = None


@dataclass(frozen=True)
class Report:
    passed: bool
    flesch: float
    average_sentence_words: float
    sentence_count: int
    word_count: int
    problems: tuple[Problem, ...]
    # The rules the text was held to, so a report can explain itself.
    min_flesch: float = 60
    max_sentence_words: int = 25
    max_average_words: float = 20
    # True when the text was short and scored as if it went on in everyday words.
    short_text: bool = False

    def __post_init__(self):
        if self.passed != (not self.problems):
            raise ValueError("A report passes exactly when it has no problems.")

    def summary(self) -> str:
        if self.passed:
            return "This passes the plain-English check."
        count = len(self.problems)
        return (f"This needs some changes to be in plain English: "
                f"{count} {'problem' if count == 1 else 'problems'}.")


# --- Reading the text -------------------------------------------------------------------

_markdown = MarkdownIt("commonmark").enable(["table", "strikethrough"])

# A word: letters or digits, which may be joined by an apostrophe, hyphen, full stop or
# comma ("don't", "co-production", "1.7m", "1,000"). "£1.7m" counts as one word.
WORD = re.compile(r"[^\W_]+(?:['’.,\-][^\W_]+)*")

# A possible sentence end: . ! or ? (and any closing quotes or brackets), then space, then
# a capital, a digit or an opening quote or bracket.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]*[A-Z0-9£$€])")

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset({
    "e.g", "i.e", "etc", "cf", "vs", "approx", "mr", "mrs", "ms", "mx", "dr", "prof", "rev",
    "cllr", "st", "nb", "p", "pp", "fig", "incl", "ref", "tel",
})
_TAG = re.compile(r"<[^>]*>")


def _blocks(text: str) -> list[str]:
    """The text's paragraphs, headings, list items and table cells, as plain text."""
    blocks: list[str] = []
    for token in _markdown.parse(text):
        if token.type == "inline":
            current: list[str] = []
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    current.append(child.content)
                elif child.type == "softbreak":
                    current.append(" ")
                elif child.type == "hardbreak":  # a line break the writer chose: a new line
                    blocks.append("".join(current))
                    current = []
            blocks.append("".join(current))
        elif token.type == "html_block":
            blocks.extend(_TAG.sub(" ", token.content).splitlines())
        # Code blocks ("fence", "code_block") are not prose: they are left out.
    return [" ".join(block.split()) for block in blocks if block.strip()]


def _ends_sentence(block: str, end: re.Match) -> bool:
    if block[end.start()] != ".":
        return True
    before = block[:end.start()]
    word = re.search(r"(\S+)$", before)
    if not word:
        return True
    last = word.group(1).lower().lstrip("(\"'“‘[")
    if last in _ABBREVIATIONS:
        return False
    if re.fullmatch(r"[a-z]", last) and word.group(1)[-1].isupper():  # an initial: "J. Smith"
        return False
    if last == "no" and block[end.end():end.end() + 1].isdigit():  # "No. 5"
        return False
    return True


def sentences(text: str) -> list[str]:
    """Split text (Markdown allowed) into sentences, each with at least one word."""
    found: list[str] = []
    for block in _blocks(text):
        start = 0
        for end in _SENTENCE_END.finditer(block):
            if _ends_sentence(block, end):
                found.append(block[start:end.end()].strip())
                start = end.end()
        found.append(block[start:].strip())
    return [sentence for sentence in found if WORD.search(sentence)]


def words(sentence: str) -> list[str]:
    return WORD.findall(sentence)


def _syllables(word: str) -> int:
    # textstat 0.7.8 counts with the CMU dictionary and falls back to hyphenation rules.
    return max(1, textstat.syllable_count(word))


def flesch_reading_ease(sentence_words: list[list[str]], *, pad_to: int = 0) -> float:
    """Flesch reading ease over our own sentences and words.

    With pad_to, a text of fewer words is scored as if it went on to pad_to words with
    everyday words of EVERYDAY_SYLLABLES syllables (see SHORT_TEXT_WORDS).

    We do not hand the whole text to textstat.flesch_reading_ease: its own sentence splitter
    breaks at "e.g." and "£1.7m" and joins bulleted lists into one sentence, and it ignores
    sentences of two words or fewer. We use textstat for syllables and the usual formula.
    """
    all_words = [word for ws in sentence_words for word in ws]
    if not all_words:
        return 0.0
    syllables = sum(_syllables(word) for word in all_words)
    padding = max(0, pad_to - len(all_words))
    syllables_per_word = (syllables + padding * EVERYDAY_SYLLABLES) / (len(all_words) + padding)
    return 206.835 - 1.015 * (len(all_words) / len(sentence_words)) - 84.6 * syllables_per_word


# --- Jargon -----------------------------------------------------------------------------

def _word_forms(word: str) -> list[str]:
    """A word with the usual English endings: utilise, utilises, utilised, utilising, utilize."""
    if len(word) < 4:  # "to", "of", "in": no endings
        return [word]
    bases = {word}
    if word.endswith("ise"):
        bases.add(word[:-3] + "ize")
    if "isation" in word:
        bases.add(word.replace("isation", "ization"))
    if word.endswith("our"):
        bases.add(word[:-3] + "or")
    forms = set()
    for base in bases:
        forms |= {base, base + "s", base + "'s", base + "’s"}
        if base.endswith(("s", "x", "z", "ch", "sh")):
            forms.add(base + "es")
        if base.endswith("e"):
            forms |= {base + "d", base[:-1] + "ing"}
        elif base.endswith("y") and base[-2] not in "aeiou":
            forms |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
        else:
            forms |= {base + "ed", base + "ing", base + base[-1] + "ed", base + base[-1] + "ing"}
    return sorted(forms, key=len, reverse=True)


def _term_pattern(term: str, spelling: str | None) -> re.Pattern:
    if spelling:  # an acronym: its own spelling or capitals, maybe with a plural "s"
        options = "|".join(re.escape(s) for s in sorted({spelling, spelling.upper()}))
        return re.compile(rf"(?<!\w)(?:{options})(?:s|'s|’s)?(?!\w)")
    parts = []
    for word in term.split():
        pieces = word.split("-")
        pieces[-1] = "(?:" + "|".join(re.escape(form) for form in _word_forms(pieces[-1])) + ")"
        parts.append(r"[\s\-]?".join(re.escape(p) if i < len(pieces) - 1 else p
                                     for i, p in enumerate(pieces)))
    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(parts) + r"(?!\w)", re.IGNORECASE)


def _is_acronym(term: str) -> bool:
    return term.isupper() and term.isalpha() and len(term) <= 6


@lru_cache(maxsize=32)
def _matchers(extra: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, re.Pattern], ...]:
    """(term, plain alternative, pattern) for the jargon list plus a programme's additions."""
    jargon = {term: (alternative, ACRONYMS.get(term)) for term, alternative in JARGON.items()}
    for term, alternative in extra:
        term = " ".join(term.split())
        if not term or not alternative.strip():
            continue
        if _is_acronym(term):
            jargon[term.lower()] = (alternative.strip(), term)
        else:
            jargon[term.lower()] = (alternative.strip(), None)
    return tuple((term, alternative, _term_pattern(term, spelling))
                 for term, (alternative, spelling) in jargon.items())


@dataclass
class _Found:
    term: str
    alternative: str
    as_written: str
    sentence: str
    count: int = 1


def _as_written_exactly(text: str, term: str) -> bool:
    return re.sub(r"[\s\-]+", " ", text.lower()) == re.sub(r"[\s\-]+", " ", term)


def find_jargon(sentence_list: list[str], extra_jargon: dict[str, str] | None = None) -> list[_Found]:
    """Each jargon term used, in order of first use, with how often it comes up."""
    matchers = _matchers(tuple(sorted((extra_jargon or {}).items())))
    found: dict[str, _Found] = {}
    for sentence in sentence_list:
        hits = [(m.start(), m.end(), _as_written_exactly(m.group(), term), term, alternative)
                for term, alternative, pattern in matchers for m in pattern.finditer(sentence)]
        # Where terms overlap, the longer one wins ("key performance indicator", not
        # "indicator"); for the same words, the term written exactly so ("evidence-based",
        # not "evidence base" with an ending).
        hits.sort(key=lambda hit: (hit[0], hit[0] - hit[1], not hit[2]))
        taken_to = -1
        for start, end, _, term, alternative in hits:
            if start < taken_to:
                continue
            taken_to = end
            if term in found:
                found[term].count += 1
            else:
                as_written = " ".join(sentence[start:end].split())
                if term not in ACRONYMS and not _is_acronym(as_written):
                    as_written = as_written.lower()
                found[term] = _Found(term, alternative, as_written, sentence)
    return list(found.values())


def _jargon_message(found: _Found) -> str:
    alternative = found.alternative
    if alternative[0].isupper() and alternative.endswith("."):  # an instruction
        message = f'Instead of "{found.as_written}", {alternative[0].lower()}{alternative[1:]}'
    else:
        message = f'Instead of "{found.as_written}", write "{alternative}".'
    if found.count > 1:
        message += f" This comes up {found.count} times."
    return message


# --- The check --------------------------------------------------------------------------

def _quote(sentence: str) -> str:
    if len(sentence) > QUOTE_LIMIT:
        sentence = sentence[:QUOTE_LIMIT].rstrip() + "…"
    return f'"{sentence}"'


def check(text: str, *, min_flesch: float = 60, max_sentence_words: int = 25,
          max_average_words: float = 20, extra_jargon: dict[str, str] | None = None) -> Report:
    """Check text (Markdown allowed) against the plain-English rules."""
    sentence_list = sentences(text)
    sentence_words = [words(sentence) for sentence in sentence_list]
    word_count = sum(len(ws) for ws in sentence_words)
    average = word_count / len(sentence_list) if sentence_list else 0.0
    flesch = flesch_reading_ease(sentence_words, pad_to=SHORT_TEXT_WORDS)
    short_text = 0 < word_count < SHORT_TEXT_WORDS

    problems: list[Problem] = []
    if word_count and flesch < min_flesch:
        problems.append(Problem(
            "readability",
            f"The reading ease score is {flesch:.0f}. It needs to be at least {min_flesch:g}. "
            f"Use shorter words and shorter sentences.",
        ))
    if average > max_average_words:
        problems.append(Problem(
            "average_sentence",
            f"Your sentences are {average:.1f} words long on average. "
            f"Try to keep the average to {max_average_words:g} words or fewer.",
        ))
    for sentence, ws in zip(sentence_list, sentence_words):
        if len(ws) > max_sentence_words:
            problems.append(Problem(
                "long_sentence",
                f"This sentence has {len(ws)} words. Try to keep each sentence to "
                f"{max_sentence_words} words or fewer: {_quote(sentence)}",
                sentence=sentence,
            ))
    for found in find_jargon(sentence_list, extra_jargon):
        problems.append(Problem("jargon", _jargon_message(found), sentence=found.sentence,
                                term=found.term, suggestion=found.alternative))

    return Report(
        passed=not problems, flesch=round(flesch, 1), average_sentence_words=round(average, 1),
        sentence_count=len(sentence_list), word_count=word_count, problems=tuple(problems),
        min_flesch=min_flesch, max_sentence_words=max_sentence_words,
        max_average_words=max_average_words, short_text=short_text,
    )


# --- The report as text -----------------------------------------------------------------

def describe_flesch(score: float) -> str:
    """What a Flesch reading ease score means, in words."""
    for floor, words_for_it in ((90, "very easy to read"), (80, "easy to read"),
                                (70, "fairly easy to read"), (60, "plain English"),
                                (50, "fairly hard to read"), (30, "hard to read")):
        if score >= floor:
            return words_for_it
    return "very hard to read"


def render_report(report: Report) -> str:
    """The report as the command line prints it."""
    lines = [report.summary(), ""]
    if report.word_count == 0:
        lines.append("There are no words to check.")
        return "\n".join(lines)
    score = (f"Reading ease: {report.flesch:.0f} out of 100 ({describe_flesch(report.flesch)}). "
             f"It needs to be at least {report.min_flesch:g}.")
    if report.short_text:
        score += (f" (This text is short, so it is scored as if it went on to {SHORT_TEXT_WORDS} "
                  f"words in everyday words: one long word does not sink it.)")
    lines.append(score)
    lines.append(f"Average sentence length: {report.average_sentence_words:.1f} words "
                 f"(at most {report.max_average_words:g}).")
    lines.append(f"{report.sentence_count} {'sentence' if report.sentence_count == 1 else 'sentences'}, "
                 f"{report.word_count} {'word' if report.word_count == 1 else 'words'}.")
    if report.problems:
        lines += ["", "What to change:"]
        lines += [f"{number}. {problem.message}" for number, problem in enumerate(report.problems, 1)]
    return "\n".join(lines)
