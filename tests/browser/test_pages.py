"""Every role signs in to the demo round in a real browser; every page passes axe."""
import re

from playwright.sync_api import expect

from commission.demo import content

FACILITATOR = content.FACILITATOR["email"]
FUNDER = content.FUNDER_AUDITOR["email"]
ADMIN = content.ADMINISTRATOR["email"]
MEMBER = content.PANELS[0]["members"][0]["email"]
APPLICANT = content.APPLICATIONS[0]["contact_email"]


def test_sign_in_page_is_accessible_and_a_wrong_password_is_explained(page, demo_server, sign_in, axe_check):
    page.goto(f"{demo_server.url}/sign-in")
    axe_check("sign-in page")
    sign_in(demo_server, FACILITATOR, "not the password")
    expect(page.get_by_text("The email address or password is not right.").first).to_be_visible()
    axe_check("sign-in page with an error")


def test_facilitator_sees_why_the_next_step_cannot_happen_yet(page, demo_server, sign_in, axe_check):
    sign_in(demo_server, FACILITATOR)
    expect(page.get_by_role("heading", name="Your rounds")).to_be_visible()
    axe_check("facilitator home")
    page.get_by_role("link", name=content.ROUND["name"]).first.click()
    expect(page.get_by_text(re.compile(r"Eligibility checks can start on \w+day \d+ \w+ \d{4} at \d\d:\d\d\. "
                                       r"Applications are open until then\."))).to_be_visible()
    axe_check("round page")
    page.get_by_role("link", name="Read the audit trail for this round").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    axe_check("audit trail page")


def test_each_other_role_has_a_home_page_that_says_what_to_do(page, demo_server, sign_in, axe_check):
    for email, heading in ((MEMBER, "Hello"), (FUNDER, "Rounds you fund"), (APPLICANT, "Your applications"),
                           (ADMIN, "Programmes and accounts")):
        sign_in(demo_server, email)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        axe_check(f"home page for {email}")
        if email in (MEMBER, FUNDER):
            page.get_by_role("link", name=content.ROUND["name"]).first.click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(content.ROUND["name"])
            axe_check(f"round page for {email}")
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_error_pages_are_accessible(page, demo_server, sign_in, axe_check):
    sign_in(demo_server, MEMBER)
    page.goto(f"{demo_server.url}/rounds/999")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    axe_check("not found page")


def test_facilitator_pauses_and_resumes_with_the_keyboard_alone(page, fresh_server, sign_in, axe_check):
    sign_in(fresh_server, FACILITATOR)
    page.goto(f"{fresh_server.url}/rounds/1")
    page.get_by_role("button", name="Pause the round").focus()
    page.keyboard.press("Enter")
    summary_link = page.get_by_role("link", name=re.compile("Say why you are pausing the round."))
    expect(summary_link).to_be_visible()
    expect(page.locator("#pause-reason-error")).to_contain_text("Say why you are pausing the round.")
    axe_check("round page with an error")
    summary_link.focus()
    page.keyboard.press("Enter")  # the error summary takes you to the box that needs filling in
    expect(page.get_by_label("Why are you pausing the round?")).to_be_focused()
    page.keyboard.type("Two panel members are unwell this week")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("The round is paused.", exact=True)).to_be_visible()
    expect(page.get_by_text("Two panel members are unwell this week").first).to_be_visible()
    axe_check("paused round page")
    page.get_by_role("button", name="Start the round again").click()
    expect(page.get_by_text("The round has started again where it left off.")).to_be_visible()


def test_pages_work_at_200_percent_zoom_and_on_a_tablet_without_sideways_scrolling(page, demo_server, sign_in):
    sign_in(demo_server, FACILITATOR)
    for width in (640, 768):  # 1280 px wide at 200% zoom; a tablet held upright
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("/", "/rounds/1", "/rounds/1/audit"):
            page.goto(f"{demo_server.url}{path}")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways at {width} px"
