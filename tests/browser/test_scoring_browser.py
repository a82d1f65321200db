"""A panel member scores a whole application with the keyboard alone, in a real browser, and
every page on the way is checked by axe."""
import pytest
from playwright.sync_api import expect

from commission.demo import content
from commission.demo.scoring import SCORER, VOTER
from tests.browser.conftest import serve_demo

FACILITATOR = content.FACILITATOR["email"]


@pytest.fixture
def shortlisting_server(tmp_path):
    with serve_demo(tmp_path / "demo.db", "shortlisting") as server:
        yield server


@pytest.fixture(scope="module")
def shortlisting_to_read(tmp_path_factory):
    """One demo at shortlisting for the tests that only read it."""
    with serve_demo(tmp_path_factory.mktemp("shortlisting") / "demo.db", "shortlisting") as server:
        yield server


def _tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_member_scores_a_whole_application_with_the_keyboard_alone(page, shortlisting_server, sign_in, axe_check):
    server = shortlisting_server
    sign_in(server, SCORER)
    page.goto(f"{server.url}/rounds/1/scoring")
    axe_check("your scoring")
    _tab_to(page, "table a.govuk-link")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Scoring")).to_be_visible()
    axe_check("scoring page")

    groups = page.locator("form fieldset")
    count = groups.count()
    assert count >= 2
    for index in range(count):
        first = groups.nth(index).locator("input[type=radio]").first
        name = first.get_attribute("name")
        _tab_to(page, f"input[name='{name}']")
        page.keyboard.press("Space")               # choose 0 ...
        for _ in range(index % 3 + 1):
            page.keyboard.press("ArrowDown")       # ... then move up the scale
    _tab_to(page, "textarea[name=comment]")
    page.keyboard.type("They know the people they want to reach. I would like to hear more about the costs.")
    _tab_to(page, "button[value=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    expect(page.get_by_text("Your scores are sent in.")).to_be_visible()
    expect(page.get_by_role("heading", name="Everyone's scores for this application")).to_be_visible()
    expect(page.locator("table").get_by_text("I would like to hear more about the costs.")).to_be_visible()
    axe_check("after sending in")


def test_a_missing_score_is_explained_beside_its_criterion(page, shortlisting_server, sign_in, axe_check):
    server = shortlisting_server
    sign_in(server, SCORER)
    page.goto(f"{server.url}/rounds/1/scoring")
    page.locator("table a.govuk-link").first.click()
    page.get_by_role("button", name="Send in my scores").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-message").first).to_contain_text("Choose a score for")
    axe_check("scoring page with errors")


@pytest.mark.parametrize("width", [375])
def test_scoring_fits_a_phone_screen(page, shortlisting_server, sign_in, width):
    server = shortlisting_server
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(server, SCORER)
    page.goto(f"{server.url}/rounds/1/scoring")
    page.locator("table a.govuk-link").first.click()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width + 1, f"the page scrolls sideways on a {width}px phone ({scroll_width}px wide)"


def test_a_member_reads_the_results_and_votes_on_the_shortlist(page, shortlisting_server, sign_in, axe_check):
    server = shortlisting_server
    sign_in(server, VOTER)
    page.goto(f"{server.url}/rounds/1/panels/2/results")
    expect(page.get_by_role("heading", name="The ranking")).to_be_visible()
    axe_check("results and shortlist")
    page.get_by_label("Yes, agree this shortlist").check()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    axe_check("after voting")


def test_the_facilitator_cannot_open_the_results_while_the_panel_is_voting(page, shortlisting_to_read, sign_in):
    server = shortlisting_to_read
    sign_in(server, FACILITATOR)
    response = page.goto(f"{server.url}/rounds/1/panels/2/results")
    assert response.status == 403
    expect(page.get_by_role("heading", name="The ranking")).to_have_count(0)


def test_everyone_s_scores_fit_a_phone_screen_after_sending_in(page, shortlisting_server, sign_in):
    server = shortlisting_server
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(server, SCORER)
    page.goto(f"{server.url}/rounds/1/scoring")
    page.locator("table a.govuk-link").first.click()
    for group in page.locator("form fieldset").all():
        group.locator("input[type=radio]").nth(2).check()
    page.get_by_role("button", name="Send in my scores").click()
    expect(page.get_by_role("heading", name="Everyone's scores for this application")).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 376, f"the page scrolls sideways on a phone ({scroll_width}px wide)"


def test_the_results_fit_a_phone_screen(page, shortlisting_to_read, sign_in):
    server = shortlisting_to_read
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(server, VOTER)
    page.goto(f"{server.url}/rounds/1/panels/2/results")
    expect(page.get_by_role("heading", name="The ranking")).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 376, f"the results page scrolls sideways on a phone ({scroll_width}px wide)"


SHORTLISTING_PAGES = {
    FACILITATOR: ["/", "/rounds/1", "/rounds/1/progress", "/rounds/1/assignments", "/rounds/1/panel-settings",
                  "/rounds/1/training", "/rounds/1/audit"],
    SCORER: ["/", "/rounds/1", "/rounds/1/panel", "/rounds/1/scoring"],
    VOTER: ["/", "/rounds/1/panels/2/results", "/rounds/1/panel/step-back"],
    content.FUNDER_AUDITOR["email"]: ["/", "/rounds/1", "/rounds/1/audit"],
}


@pytest.mark.parametrize("email", list(SHORTLISTING_PAGES))
def test_every_shortlisting_page_passes_axe(page, shortlisting_to_read, sign_in, axe_check, email):
    server = shortlisting_to_read
    sign_in(server, email)
    for path in SHORTLISTING_PAGES[email]:
        response = page.goto(f"{server.url}{path}")
        assert response.status == 200, f"{path} gave {response.status} to {email}"
        axe_check(f"{path} for {email}")
