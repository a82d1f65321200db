"""Our own words count too: every page a panel member or applicant reads in the demo round
passes the same plain-English check as the documents we publish."""
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from commission.accounts.models import User
from commission.applications import service
from commission.criteria.models import Proposal
from commission.documents import service as documents
from commission.panels import policy as panel_policy
from commission.rounds.models import Round
from commission.demo import content
from commission.demo.builder import PASSWORD
from commission.extensions import db
from commission.plain_english import check, render_report
from tests.conftest import csrf_token

BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "dt", "dd", "label", "legend", "summary", "caption",
          "button", "a", "div", "option"}


class VisibleText(HTMLParser):
    """The words a person reads in <main>: each block on its own line (as a reader meets it)."""

    VOID = {"br", "hr", "img", "input", "meta", "link"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.hidden = 0
        self.open: list[tuple[str, bool]] = []  # each open tag, and whether it hides its words
        self.lines: list[str] = [""]

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "main":
            self.depth += 1
        hides = tag in ("script", "style") or "govuk-visually-hidden" in classes
        if tag not in self.VOID:
            self.open.append((tag, hides))
            self.hidden += hides
        if tag in BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1
        while self.open:
            name, hides = self.open.pop()
            self.hidden -= hides
            if name == tag:
                break
        if tag in BLOCKS:
            self.lines.append("")

    def handle_data(self, data):
        if self.depth and not self.hidden:
            self.lines[-1] += data

    def text(self) -> str:
        return "\n\n".join(" ".join(line.split()) for line in self.lines if line.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return parser.text()


def sign_in(client, email):
    client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)})


def assert_plain(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    report = check(visible_text(response.text))
    assert report.passed, f"{path}:\n{render_report(report)}"


@pytest.mark.parametrize("stage", ["co_design", "open", "shortlisting"])
def test_every_page_a_panel_member_reads_is_plain_english(app, client, stage):
    assert app.test_cli_runner().invoke(args=["demo", "--to", stage]).exit_code == 0
    assert_plain(client, "/sign-in")
    sign_in(client, content.PANELS[0]["members"][0]["email"])
    proposal = db.session.scalar(select(Proposal.id))
    for path in ("/", "/rounds/1", "/rounds/1/criteria", "/rounds/1/criteria/propose",
                 f"/rounds/1/criteria/proposals/{proposal}", "/rounds/999"):
        if path == "/rounds/999":
            assert check(visible_text(client.get(path).text)).passed
            continue
        assert_plain(client, path)
    if stage == "co_design":
        assert_plain(client, "/rounds/1/criteria/vote/new")
    if stage == "shortlisting":
        assert_plain(client, "/rounds/1/panel")
        for application in panel_policy.panel_applications(member(), db.session.get(Round, 1))[:3]:
            response = client.get(f"/rounds/1/panel/applications/{application.id}")
            assert check(visible_text(response.text)).passed, application.id
    assert_plain(client, "/rounds/1/documents")
    for document in documents.readable_documents(member(), db.session.get(Round, 1)):
        assert_plain(client, f"/rounds/1/documents/{document.id}/read")


def member():
    return db.session.scalar(select(User).where(User.email == content.PANELS[0]["members"][0]["email"]))


@pytest.mark.parametrize("stage", ["open", "shortlisting"])
def test_every_page_an_applicant_reads_is_plain_english(app, client, stage):
    assert app.test_cli_runner().invoke(args=["demo", "--to", stage]).exit_code == 0
    assert_plain(client, "/register")
    # The seventh demo application does not meet a rule: its applicant reads why.
    email = content.APPLICATIONS[6]["contact_email"]
    sign_in(client, email)
    applicant = db.session.scalar(select(User).where(User.email == email))
    application = service.for_applicant(applicant)[0]
    paths = ["/", "/applications", "/rounds/1/documents", f"/applications/{application.id}"]
    paths += [f"/rounds/1/documents/{d.id}/read" for d in documents.readable_documents(applicant,
                                                                                         application.round)]
    if stage == "open":
        paths.append("/rounds/1/apply")
    else:
        paths.append(f"/applications/{application.id}/result")
    for path in paths:
        assert_plain(client, path)


def test_visible_text_reads_blocks_and_skips_hidden_words():
    html = ('<main><h1>Hello</h1><p>One <span class="govuk-visually-hidden">secret</span>line.</p>'
            '<script>x()</script><ul><li>First</li><li>Second</li></ul></main><footer>Not main</footer>')
    assert visible_text(html) == "Hello\n\nOne line.\n\nFirst\n\nSecond"
