"""The demo round's published documents, written in plain English."""

ELIGIBILITY_RULES = [
    "Your group works with older people in the programme's area.",
    "The money is for new work or to grow work you already do. It is not to pay off loans.",
    "Your group has been running for at least one year.",
]

CALL = """# Apply for money to help older people

We have £1.7 million to give to local groups. A panel of older people will decide who gets it.

## What we want to fund

We want to fund projects that help older people feel less alone. The panel chose what it will look for. You can read it in the questions on the form.

## How much you can ask for

You can ask for between £20,000 and £250,000. You can spend it over one, two or three years.

## How to apply

1. Make an account on this website.
2. Fill in the form. You can save it and come back.
3. Send it in before the closing date.

If you need help, or would like the form in large print, please ask us.
"""

GUIDANCE = """# Help with your application

Write as you would speak. Short answers are fine. The panel are older people from your area, not experts.

## Tips

- Tell us who you help and how you find them.
- Tell us what older people do in your group, and what say they have.
- Tell us what the money will pay for.
- Tell us what will happen when the money runs out.

## What happens next

Staff check each form against the rules. Then the panel reads and scores the forms. Some groups will meet the panel. The panel makes the choice, and we write to every group to say why.
"""

RULES_DOCUMENT = """# Who can apply

To apply, your group must meet all of these rules:

1. Your group works with older people in the programme's area.
2. The money is for new work or to grow work you already do. It is not to pay off loans.
3. Your group has been running for at least one year.

Staff check each form against these rules only. They do not judge how good a project is. The panel does that.
"""

PANEL_PACK = """# Your panel pack

Thank you for joining the panel. This pack tells you what to expect.

## What you will do

- Help choose what we look for in each application.
- Read and score the applications you are given.
- Meet some of the groups.
- Decide together who gets the money.

## Looking after yourself

Take breaks. There is a rest of at least a week between the big stages. You can step back at any time, and you will always be welcome back.

## Expenses

We pay for travel, care and food when you come to a meeting. Keep your receipts if you can.
"""

STAGE_HOURS = {"co_design": 6, "shortlisting": 12, "interviews": 8, "deciding": 4}
