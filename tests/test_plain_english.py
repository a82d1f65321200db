"""The plain-English check: readability, sentence length, jargon, Markdown, the command line.

No database here: the check is pure functions.
"""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from commission.plain_english import JARGON, Problem, Report, check, render_report
from commission.plain_english.check import (
    SHORT_TEXT_WORDS,
    find_jargon,
    flesch_reading_ease,
    sentences,
    words,
)
from commission.plain_english.cli import plain_english_cli
from commission.plain_english.jargon import ACRONYMS

# How funders too often write.
DENSE = (
    "Going forward, the programme will leverage match funding in order to facilitate holistic, "
    "person-centred interventions that empower stakeholders and deliver measurable outcomes "
    "against agreed key performance indicators. Applicants should utilise a robust theory of "
    "change and logic model to demonstrate additionality, value for money and sustainability, "
    "ensuring that co-production with beneficiaries is embedded throughout the commissioning "
    "cycle. Capacity building for VCSE organisations will be prioritised where evidence-based "
    "approaches can be mainstreamed across the statutory sector."
)

# The same news, as the volunteers would want it.
PLAIN = (
    "We have £1.7m to give to local groups. Older people in the area will decide who gets it. "
    "You can ask for up to £50,000. Tell us what you want to do and who it will help. "
    "Say how you will know if it worked. A panel of local people will read every form. "
    "Some groups will be asked to come and talk to the panel. "
    "We will tell you what we decided by the end of May."
)

SHORT_PLAIN = ("We meet on Tuesday at ten in the church hall. There is tea and cake. "
               "Bring a friend if you like. Ring Sue if you need a lift.")


def kinds(report: Report) -> list[str]:
    return [problem.kind for problem in report.problems]


def jargon_problem(report: Report, term: str) -> Problem:
    matches = [p for p in report.problems if p.kind == "jargon" and p.term == term]
    assert matches, f"no jargon problem for {term!r} in {[p.term for p in report.problems]}"
    return matches[0]


# --- Whole paragraphs ------------------------------------------------------------------

def test_funder_speak_fails_with_every_problem_listed():
    report = check(DENSE)

    assert not report.passed
    assert report.flesch < 60
    assert set(kinds(report)) == {"readability", "average_sentence", "long_sentence", "jargon"}
    readability = next(p for p in report.problems if p.kind == "readability")
    assert f"{report.flesch:.0f}" in readability.message and "at least 60" in readability.message

    long_ones = [p for p in report.problems if p.kind == "long_sentence"]
    assert len(long_ones) == 2
    assert long_ones[1].sentence.startswith("Applicants should utilise a robust theory of change")
    assert long_ones[1].message.startswith("This sentence has 30 words.")
    assert f'"{long_ones[1].sentence}"' in long_ones[1].message

    stakeholders = jargon_problem(report, "stakeholder")
    assert stakeholders.suggestion == "the people involved"
    assert stakeholders.message == 'Instead of "stakeholders", write "the people involved".'
    assert jargon_problem(report, "utilise").message == 'Instead of "utilise", write "use".'
    assert jargon_problem(report, "capacity building").message == (
        'Instead of "capacity building", say what skills or help you mean.')
    assert jargon_problem(report, "vcse").message == (
        'Instead of "VCSE", write "charities and community groups".')
    assert jargon_problem(report, "evidence-based").suggestion == "shown to work"
    # The longest phrase wins: not "indicator" on its own.
    assert jargon_problem(report, "key performance indicator").message.startswith(
        'Instead of "key performance indicators"')
    assert "indicator" not in [p.term for p in report.problems]
    assert report.summary() == (
        f"This needs some changes to be in plain English: {len(report.problems)} problems.")


def test_plain_paragraph_passes():
    report = check(PLAIN)

    assert report.passed, report.problems
    assert report.problems == ()
    assert report.flesch >= 60
    assert report.sentence_count == 8
    assert report.summary() == "This passes the plain-English check."


def test_a_single_plain_sentence_passes():
    report = check("Come to the workshop on Tuesday.")
    assert report.passed
    assert (report.sentence_count, report.word_count) == (1, 6)


def test_one_long_word_does_not_sink_a_short_notice():
    text = "Remember the consultation evening."
    assert flesch_reading_ease([words(text)]) < 0        # the raw score swings wildly ...
    report = check(text)
    assert report.passed                                 # ... so short texts are scored steadier
    assert report.short_text and report.flesch >= 60
    assert "scored as if it went on to 30 words" in render_report(report)


def test_a_short_notice_made_of_long_words_still_fails_on_reading_ease():
    report = check("Registration closes Friday. Refreshments provided. "
                   "Accessibility information available.")
    assert report.short_text
    assert kinds(report) == ["readability"]


def test_from_30_words_on_the_score_is_the_ordinary_flesch_reading_ease():
    sentence_words = [words(s) for s in sentences(PLAIN)]
    assert sum(map(len, sentence_words)) >= SHORT_TEXT_WORDS
    assert check(PLAIN).flesch == round(flesch_reading_ease(sentence_words), 1)
    assert not check(PLAIN).short_text


def test_an_empty_text_passes_and_says_there_is_nothing_to_check():
    report = check("   \n\n")
    assert report.passed and report.word_count == 0 and report.sentence_count == 0
    assert "There are no words to check." in render_report(report)


# --- Each rule can fail on its own ----------------------------------------------------------

def test_one_long_sentence_fails_on_its_own():
    long_sentence = ("When you come to the hall on the day, please bring your form, a pen, your glasses, "
                     "a drink and the name of a friend we can ring if you need help.")
    report = check(f"{SHORT_PLAIN} {long_sentence} That is all.")

    assert kinds(report) == ["long_sentence"]
    assert report.problems[0].sentence == long_sentence
    assert report.problems[0].message == (
        f'This sentence has 32 words. Try to keep each sentence to 25 words or fewer: "{long_sentence}"')
    assert report.summary() == "This needs some changes to be in plain English: 1 problem."


def test_a_sentence_of_exactly_25_words_is_fine():
    sentence = " ".join(["word"] * 24) + " end."
    assert "long_sentence" not in kinds(check(sentence))


def test_sentences_that_are_each_just_short_enough_can_still_be_too_long_on_average():
    text = ("We will meet in the big room at the back of the hall on the first Monday of the month "
            "at two. You do not need to bring a thing with you, as we will have tea and cake and a "
            "good chat. If you can not come on the day then please ring Sue on the phone and she "
            "will tell you what we did.")
    report = check(text)

    assert kinds(report) == ["average_sentence"]
    assert report.average_sentence_words > 20
    assert all(len(s.split()) <= 25 for s in sentences(text))
    assert report.problems[0].message == (
        f"Your sentences are {report.average_sentence_words:.1f} words long on average. "
        f"Try to keep the average to 20 words or fewer.")


def test_jargon_fails_on_its_own_including_other_endings_and_phrases():
    text = ("Going forward, we want to hear from you. Last year we utilised the hall on Fridays. "
            "Tell us how it went. We will read every word you send.")
    report = check(text)

    assert kinds(report) == ["jargon", "jargon"]
    going_forward = jargon_problem(report, "going forward")
    assert going_forward.message == 'Instead of "going forward", write "from now on".'
    assert going_forward.sentence == "Going forward, we want to hear from you."
    utilised = jargon_problem(report, "utilise")
    assert utilised.message == 'Instead of "utilised", write "use".'
    assert utilised.suggestion == "use"


def test_each_jargon_term_is_listed_once_with_how_often_it_comes_up():
    report = check("Stakeholders met. A stakeholder spoke. The stakeholder's dog barked.")
    [problem] = report.problems
    assert problem.term == "stakeholder"
    assert problem.message == 'Instead of "stakeholders", write "the people involved". This comes up 3 times.'


@pytest.mark.parametrize("written, term", [
    ("utilises", "utilise"), ("utilising", "utilise"), ("utilize", "utilise"),
    ("beneficiaries", "beneficiary"), ("signposting", "signpost"), ("co-produced", "co-produce"),
    ("coproduction", "co-production"), ("capacity-building", "capacity building"),
    ("KPIs", "kpi"), ("SMART targets", "smart target"), ("ring-fenced", "ring-fence"),
])
def test_jargon_is_caught_in_its_other_forms(written, term):
    assert [found.term for found in find_jargon([f"We talked about {written} today."])] == [term]


@pytest.mark.parametrize("text", [
    "The facilitator will meet you at the door.",   # a role in Commission, not "facilitate"
    "La la la, we sang all the way home.",           # acronyms only count in capitals
    "Let us take the bus to the sea.",
])
def test_ordinary_words_are_not_taken_for_jargon(text):
    assert find_jargon([text]) == []


def test_a_hard_to_read_text_fails_on_reading_ease_alone():
    text = ("Administrative documentation necessitated considerable interpretation. "
            "Municipal regulations complicated proceedings unnecessarily. "
            "Correspondence accumulated continuously. "
            "Representatives deliberated extensively regarding eligibility. "
            "Particularly complicated applications required clarification. "
            "Authorisation remained conditional. "
            "Supplementary information accompanied every submission.")
    report = check(text)

    assert report.word_count >= SHORT_TEXT_WORDS and not report.short_text
    assert kinds(report) == ["readability"]
    assert report.flesch < 60
    assert report.problems[0].message == (
        f"The reading ease score is {report.flesch:.0f}. It needs to be at least 60. "
        f"Use shorter words and shorter sentences.")


def test_the_reading_ease_threshold_is_a_programme_setting():
    assert check(PLAIN, min_flesch=99).passed is False
    assert kinds(check(PLAIN, min_flesch=99)) == ["readability"]
    assert check(DENSE, min_flesch=-500).flesch == check(DENSE).flesch
    assert "readability" not in kinds(check(DENSE, min_flesch=-500))


# --- A programme's own jargon ---------------------------------------------------------------

def test_a_programme_can_add_to_the_jargon_list():
    text = "Our AWT hub will run a wellness offer for members. Come along."
    extra = {"wellness offer": "things to help you feel well", "AWT": "Ageing Well Together"}

    assert check(text).passed
    report = check(text, extra_jargon=extra)
    assert [p.term for p in report.problems] == ["awt", "wellness offer"]
    assert report.problems[0].message == 'Instead of "AWT", write "Ageing Well Together".'
    assert jargon_problem(report, "wellness offer").message == (
        'Instead of "wellness offer", write "things to help you feel well".')
    # A programme's words add to the list: the shipped terms still count.
    assert "utilise" in [p.term for p in check("We utilise the AWT hub.", extra_jargon=extra).problems]


def test_a_programme_can_give_its_own_alternative_for_a_shipped_term():
    report = check("We will utilise the hall.", extra_jargon={"Utilise": "use or borrow"})
    assert jargon_problem(report, "utilise").suggestion == "use or borrow"


# --- Markdown and sentences -----------------------------------------------------------------

def test_markdown_headings_list_items_and_table_cells_are_sentences_of_their_own():
    text = """# What you can ask for

You can ask for help with:

- rent for a room
- a bus to take people out
- tea, cake and games
- pay for a cook

| What | How much |
|------|----------|
| Small grant | up to £5,000 |

Read the [guide for groups](https://example.org/guide) *before* you start. Use `Ctrl+S` to save.

```
this code is left out because it is not prose at all and people never read it
```
"""
    assert sentences(text) == [
        "What you can ask for", "You can ask for help with:", "rent for a room",
        "a bus to take people out", "tea, cake and games", "pay for a cook", "What", "How much",
        "Small grant", "up to £5,000", "Read the guide for groups before you start.",
        "Use Ctrl+S to save.",
    ]
    assert check(text).passed


def test_a_long_bulleted_list_is_not_one_long_sentence():
    items = "\n".join(f"- a bus trip to the sea on day {n}" for n in range(1, 11))
    report = check(f"## Trips\n\n{items}\n")
    assert report.sentence_count == 11
    assert "long_sentence" not in kinds(report)


@pytest.mark.parametrize("text, expected", [
    ("Bring things to share, e.g. cake or fruit. We start at two.",
     ["Bring things to share, e.g. cake or fruit.", "We start at two."]),
    ("Bring your papers, i.e. The Form and your letter. Then sit down.",
     ["Bring your papers, i.e. The Form and your letter.", "Then sit down."]),
    ("The round has £1.7m for 11 projects. Panels decide.",
     ["The round has £1.7m for 11 projects.", "Panels decide."]),
    ("Dr. Khan and Mr. Lee will be there. Ask them anything!",
     ["Dr. Khan and Mr. Lee will be there.", "Ask them anything!"]),
    ("We had 2.5 hours, tea, cake etc. Everyone stayed. Was it good? Yes.",
     ["We had 2.5 hours, tea, cake etc. Everyone stayed.", "Was it good?", "Yes."]),
    ('She said "Come back soon." Then she left.',
     ['She said "Come back soon."', "Then she left."]),
])
def test_sentences_are_split_where_a_reader_would_split_them(text, expected):
    assert sentences(text) == expected


def test_a_paragraph_wrapped_over_several_lines_is_still_one_sentence():
    assert sentences("We will meet\nin the hall\non Tuesday.") == ["We will meet in the hall on Tuesday."]


# --- The report as text -----------------------------------------------------------------------

def test_the_printed_report_gives_the_verdict_the_score_in_words_and_each_problem():
    report = check(DENSE)
    text = render_report(report)
    lines = text.splitlines()

    assert lines[0] == report.summary()
    assert f"Reading ease: {report.flesch:.0f} out of 100 (very hard to read)." in text
    assert f"Average sentence length: {report.average_sentence_words:.1f} words (at most 20)." in text
    for number, problem in enumerate(report.problems, 1):
        assert f"{number}. {problem.message}" in lines


def test_the_printed_report_for_plain_text_says_so():
    text = render_report(check(PLAIN))
    assert text.startswith("This passes the plain-English check.")
    assert "(very easy to read)" in text
    assert "What to change" not in text


# --- The command line -------------------------------------------------------------------------

@pytest.fixture
def files(tmp_path):
    (tmp_path / "plain.md").write_text(PLAIN, encoding="utf-8")
    (tmp_path / "dense.txt").write_text(DENSE, encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    return tmp_path


def test_command_exits_0_and_prints_the_report_when_the_file_passes(files):
    result = CliRunner().invoke(plain_english_cli, ["check", str(files / "plain.md")])
    assert result.exit_code == 0, result.output
    assert result.output == render_report(check(PLAIN)) + "\n"


def test_command_exits_1_and_lists_the_problems_when_the_file_fails(files):
    result = CliRunner().invoke(plain_english_cli, ["check", str(files / "dense.txt")])
    assert result.exit_code == 1
    assert result.output.startswith("This needs some changes to be in plain English:")
    assert 'Instead of "stakeholders", write "the people involved".' in result.output


def test_command_takes_the_programme_reading_ease_threshold(files):
    result = CliRunner().invoke(plain_english_cli, ["check", str(files / "plain.md"), "--min-flesch", "99"])
    assert result.exit_code == 1
    assert "It needs to be at least 99." in result.output


@pytest.mark.parametrize("name, says", [
    ("missing.txt", "There is no file called"),
    ("photo.png", "is not a text file"),
    (".", "is a folder, not a file."),
])
def test_command_exits_2_with_one_clear_line_when_it_cannot_read_the_file(files, name, says):
    result = CliRunner().invoke(plain_english_cli, ["check", str(files / name)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_command_works_inside_a_flask_app(files):
    app = Flask("plain_english_test")
    app.cli.add_command(plain_english_cli)
    runner = app.test_cli_runner()

    passed = runner.invoke(args=["plain-english", "check", str(files / "plain.md")])
    failed = runner.invoke(args=["plain-english", "check", str(files / "dense.txt")])
    assert (passed.exit_code, failed.exit_code) == (0, 1)
    assert "This passes the plain-English check." in passed.output


# --- Properties ---------------------------------------------------------------------------------

markdownish = st.lists(
    st.one_of(st.text(), st.sampled_from([
        "# ", "- ", "* ", "1. ", "\n", "\n\n", "**", "_", "`", "```\n", "[", "](x)", "|", "---",
        ". ", "e.g. ", "£1.7m", "Utilised ", "stakeholders", "KPI", "<b>", "  \n", "> ",
    ])),
    max_size=30,
).map("".join)


@settings(deadline=None, max_examples=300)
@given(st.one_of(st.text(), markdownish))
def test_the_check_never_raises_and_passes_exactly_when_there_are_no_problems(text):
    report = check(text)
    assert report.passed == (report.problems == ())
    assert report.sentence_count >= 0 and report.word_count >= 0
    assert report.summary()
    assert render_report(report)


def test_a_report_cannot_claim_to_pass_with_problems():
    with pytest.raises(ValueError):
        Report(passed=True, flesch=80, average_sentence_words=5, sentence_count=1, word_count=5,
               problems=(Problem("jargon", "Instead of...", term="x"),))


# --- The jargon list itself -------------------------------------------------------------------

def test_the_jargon_list_is_long_enough_and_tidy():
    assert len(JARGON) >= 150
    assert all(term == term.lower() and term == term.strip() for term in JARGON)
    assert all(alternative.strip() for alternative in JARGON.values())
    assert set(ACRONYMS) <= set(JARGON)
    for term in ("stakeholder", "utilise", "capacity building", "going forward", "in order to",
                 "beneficiary", "outcome", "output", "deliverable", "leverage", "facilitate",
                 "holistic", "synergy", "robust", "sustainability", "co-production", "signpost",
                 "empower", "paradigm", "mainstream", "impact", "evidence base",
                 "key performance indicator", "kpi", "smart target", "value for money",
                 "match funding", "full cost recovery", "theory of change", "logic model", "sroi"):
        assert term in JARGON, term
    assert JARGON["utilise"] == "use"
    assert JARGON["stakeholder"] == "the people involved"


@pytest.mark.parametrize("term", sorted(JARGON))
def test_every_term_is_caught_as_written_and_its_alternative_is_plain(term):
    written = ACRONYMS.get(term, term)
    assert [found.term for found in find_jargon([written])] == [term]
    assert find_jargon([JARGON[term]]) == [], f"the alternative for {term!r} is itself jargon"


def test_instructions_in_the_list_read_as_instructions():
    # Values that are not a word to swap in are whole sentences: capital letter, full stop.
    for term, alternative in JARGON.items():
        if alternative[0].isupper() and not re.match(r"^[A-Z]{2}|^NHS", alternative):
            assert alternative.endswith("."), term
