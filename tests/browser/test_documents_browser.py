"""The facilitator writes a document, reads its plain-English check, publishes it, and a
panel member reads it: in a real browser, with axe checking every page."""
import re

from playwright.sync_api import expect

from commission.demo import content

FACILITATOR = content.FACILITATOR["email"]
MEMBER = content.PANELS[0]["members"][0]["email"]
JARGON = ("## Before the meeting\n\n"
          "We will utilise a robust framework to leverage stakeholder engagement across the whole of the "
          "programme, and we will ensure that all deliverables are operationalised in a timely manner.\n\n"
          "Please read it before the meeting.")
PLAIN = ("## Before the meeting\n\nPlease read each application before we meet. "
         "Each one takes about an hour.\n\n- Bring your notes.\n- Lunch is free.")
REASON = "The funder asked for these exact words."


def test_facilitator_writes_checks_and_publishes_a_document(page, fresh_server, sign_in, axe_check):
    sign_in(fresh_server, FACILITATOR)
    page.goto(f"{fresh_server.url}/rounds/1/documents")
    expect(page.get_by_role("heading", name="Documents", level=1)).to_be_visible()
    axe_check("documents list")

    page.get_by_role("button", name="Write a new document").click()
    expect(page.get_by_role("heading", name="Write a new document")).to_be_visible()
    axe_check("new document form")
    page.get_by_role("button", name="Save and check").click()
    expect(page.get_by_role("link", name="Choose what kind of document this is.")).to_be_visible()
    axe_check("new document form with errors")

    page.get_by_label("Panel pack").check()
    page.get_by_label("Title").fill("Reading before the meeting")
    page.get_by_label("The document").fill(JARGON)
    page.get_by_role("button", name="Save and check").click()
    expect(page.get_by_text("This does not pass the plain-English check yet.")).to_be_visible()
    expect(page.get_by_text('Instead of "utilise", write "use".')).to_be_visible()
    expect(page.get_by_text('Instead of "stakeholder", write "the people involved".')).to_be_visible()
    expect(page.get_by_text(re.compile(r"This sentence has \d+ words\."))).to_be_visible()
    axe_check("document with its check report")

    page.get_by_role("button", name="Publish without passing the check").click()
    summary = page.get_by_role("link", name=re.compile("This document does not pass the plain-English check."))
    expect(summary).to_be_visible()
    axe_check("publishing without a reason")
    summary.click()
    reason_box = page.get_by_label("Why should this be published without passing the check?")
    expect(reason_box).to_be_focused()
    reason_box.fill(REASON)
    page.get_by_role("button", name="Publish without passing the check").click()
    expect(page.get_by_text("Version 1 is published. The people it is for can read it now.")).to_be_visible()
    axe_check("published document")

    page.get_by_label("The document").fill(PLAIN)
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Version 2 is saved. It passes the plain-English check.")).to_be_visible()
    expect(page.get_by_text("This passes the plain-English check.", exact=True)).to_be_visible()
    axe_check("a new version that passes")

    page.get_by_role("link", name="See it as the panel sees it").click()
    expect(page.get_by_text(f"Published without passing the plain-English check. Reason given: {REASON}")) \
        .to_be_visible()
    axe_check("the published version as the panel reads it")

    page.goto(f"{fresh_server.url}/rounds/1/documents")
    expect(page.get_by_role("cell", name="Published despite failing the check (a newer draft is waiting)")) \
        .to_be_visible()
    page.get_by_role("link", name="Set the hours for each stage and make the time commitment document").click()
    axe_check("stage hours form")
    page.get_by_label("Shortlisting").fill("twelve")
    page.get_by_role("button", name="Save the hours and make the document").click()
    expect(page.get_by_role("link", name="Enter the hours as a whole number, like 6.")).to_be_visible()
    axe_check("stage hours form with an error")
    # The demo already published version 1 (30 hours); the panel asked for a lighter shortlisting.
    page.get_by_label("Choosing the criteria").fill("6")
    page.get_by_label("Shortlisting").fill("10")
    page.get_by_role("button", name="Save the hours and make the document").click()
    expect(page.get_by_text("Version 2 is saved. It passes the plain-English check.")).to_be_visible()
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Version 2 is published. The people it is for can read it now.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(fresh_server, MEMBER)
    page.goto(f"{fresh_server.url}/rounds/1/documents")
    axe_check("documents list for a panel member")
    page.get_by_role("link", name="How much time the panel takes").click()
    expect(page.get_by_text("In total: about 28 hours.")).to_be_visible()
    axe_check("time commitment as a panel member reads it")
