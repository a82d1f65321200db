"""Small factories that build rounds through the same services the app uses."""
from __future__ import annotations

import itertools
from datetime import timedelta

from commission import clock
from commission.accounts import service as accounts
from commission.applications import questions as application_form
from commission.applications import service as applications
from commission.applications.models import Application
from commission.criteria import service as criteria
from commission.documents import service as documents
from commission.extensions import db
from commission.rounds import service as rounds
from workflows import get_workflow

_numbers = itertools.count(1)

# Statuses that later stages need and whose services come with later issues (scoring,
# decisions). Tests that need a round past shortlisting arrange these directly, as data.
SHORTLIST = "shortlisted"


class World:
    PASSWORD = "correct horse battery"

    def __init__(self):
        self.admin = self.user("administrator")
        self.programme = rounds.create_programme(self.admin, f"Programme {next(_numbers)}", "Test Lottery Fund",
                                                 10_000_000_00)

    def user(self, role: str, name: str | None = None):
        n = next(_numbers)
        return accounts.create_user(None, f"{role}{n}@example.org", name or f"{role.title()} {n}", role,
                                    self.PASSWORD)

    def round(self, workflow: str = "default", panels: int = 1, members_per_panel: int = 3,
              budget_pence: int = 100_000_00, rest_days: dict | None = None, applications_count: int = 3):
        facilitator = self.user("facilitator")
        round = rounds.create_round(self.admin, self.programme, f"Round {next(_numbers)}", workflow,
                                    budget_pence, rest_days)
        rounds.add_person(self.admin, round, facilitator, "facilitator")
        round.facilitator = facilitator
        round.funder = self.user("funder")
        rounds.add_person(facilitator, round, round.funder, "funder")
        round.members = []
        for p in range(panels):
            panel = rounds.add_panel(facilitator, round, f"Panel {p + 1}")
            for _ in range(members_per_panel):
                member = self.user("member")
                rounds.add_person(facilitator, round, member, "member", panel)
                round.members.append(member)
        round.applicants = [self.user("applicant") for _ in range(applications_count)]
        db.session.commit()
        return round

    def advance(self, round, stage: str):
        """Move `round` to `stage` honestly: each step through the service, time passing as needed."""
        workflow = get_workflow(round.workflow_name)
        target = workflow.stages.index(stage)
        while workflow.stages.index(round.stage) < target:
            self.prepare(round)
            step = workflow.steps_from(round.stage)[0]
            rest = workflow.rest_for(round.stage)
            if rest:
                clock.advance(timedelta(days=round.rest_days(rest.stage) + 0.01))
            actor = round.members[0] if "member" in step.by else round.facilitator
            rounds.take_step(actor, round, step.name)
            db.session.commit()
        return round

    def prepare(self, round):
        """Give the round what its current stage needs before the next step can happen."""
        f = round.facilitator
        if round.stage == "co_design":
            if criteria.current_version(round) is None:
                self.adopt_criteria(round)
            application_form.prepare_questions(f, round)
            call = documents.create(f, round, "call_for_applications", "Call for applications",
                                    "We give money to groups that help older people. Tell us what you want to do.")
            documents.publish(f, call.versions[-1])
            rounds.set_closing_date(f, round, clock.now() + timedelta(days=14))
        elif round.stage == "open":
            for i, applicant in enumerate(round.applicants):
                application = applications.create(
                    applicant, round, organisation=f"Group {i}", contact_name=applicant.name,
                    title=f"Project {i}", summary="We run a lunch club for older people.",
                    amount_requested_pence=10_000_00 * (i + 1), timescale_months=12, panel=round.panels[0])
                answers = {q.id: "We do this every week." for q in application_form.questions_for(round)}
                if answers:
                    applications.update_draft(applicant, application, answers=answers)
                applications.submit(applicant, application)
            clock.advance(timedelta(days=15))
        elif round.stage == "eligibility":
            for application in self.applications(round):
                applications.record_eligibility(f, application, True)
        elif round.stage == "shortlisting":
            self.set_status(round, SHORTLIST)
        elif round.stage == "deciding":
            self.set_status(round, "funded", only="shortlisted")
        elif round.stage == "decided":
            pass
        db.session.commit()

    def ready_to_score(self, round, training=("How the process works",)):
        """At shortlisting: training set and done, every member says 'no link' to every
        application, the applications are shared out and every member accepts their share."""
        from commission.panels import policy as panel_policy
        from commission.panels import service as panels

        modules = panels.set_training(round.facilitator, round, list(training))
        self.advance(round, "shortlisting")
        for member in round.members:
            for module in modules:
                panels.record_training(round.facilitator, member, module)
            for application in panel_policy.panel_applications(member, round):
                panels.declare(member, application, "none")
        panels.share_out(round.facilitator, round)
        for member in round.members:
            if panels.my_assignments(member, round):
                panels.accept_work(member, round)
        db.session.commit()
        return round

    def descriptors(self, round) -> list[str]:
        return [f"Point {n} on the scale" for n in range(round.scale_max + 1)]

    def adopt_criteria(self, round, titles=("Reaches people who are alone", "Led by older people")):
        """Members propose criteria, one moves them, everyone votes yes, and the votes are counted."""
        members = round.members
        made = [criteria.propose(members[i % len(members)], round, title, f"What '{title}' means.",
                                 self.descriptors(round)) for i, title in enumerate(titles)]
        motion = criteria.move(members[0], round, [(p.id, 2 if i == 0 else 1) for i, p in enumerate(made)],
                               "weighted_average", None, [1, "draw"])
        for member in members:
            criteria.vote(member, motion, "yes")
        version = criteria.count(members[0], motion)
        db.session.commit()
        return version

    def applications(self, round) -> list[Application]:
        return sorted(db.session.scalars(db.select(Application).where(Application.round_id == round.id)),
                      key=lambda a: a.id)

    def set_status(self, round, status: str, only: str | None = None):
        """Arrange later-stage data directly (see the note at the top of this file)."""
        for application in self.applications(round):
            if only is None or application.status == only:
                application.status = status
        db.session.flush()
