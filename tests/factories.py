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
            self.agree_shortlists(round)
        elif round.stage == "rest_after_shortlisting":
            self.ready_for_interviews(round)
        elif round.stage == "deciding":
            self.decide_all(round)
        elif round.stage == "decided":
            # The facilitator drafts every letter; each is approved (so published) by whoever the
            # round says approves: the first member of the group's panel allowed to, or the facilitator.
            from commission.letters import policy as letter_policy
            from commission.letters import service as letters

            letters.draft_all(f, round)
            for letter in letters.letters(round).values():
                if not letter.newest.is_approved:
                    approver = next(p for p in (f, *round.members)
                                    if letter_policy.why_not_approve(p, letter, letter.application) is None)
                    letters.approve(approver, letter.newest)
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

    def agree_shortlists(self, round, choose=None, until: str = "agreed", not_scoring=()):
        """Shortlisting the real way, finishing whatever is not done yet: training recorded, 'no link'
        declared, applications shared out and accepted, every member sends in scores for their
        share (`choose(member, application, criterion)` gives the points; a fixed spread by
        default), the facilitator closes each panel's scoring, and members vote yes until each
        panel agrees the suggested shortlist. `until` stops early: "scored" or "closed";
        members in `not_scoring` send nothing in."""
        from commission.accounts.models import User
        from commission.panels import policy as panel_policy
        from commission.panels import service as panels
        from commission.panels.models import Assignment, TrainingModule
        from commission.rounds.models import RoundPerson
        from commission.scores import policy as score_policy
        from commission.scores import service as scores
        from commission.shortlist import service as shortlist
        from commission.shortlist.models import ShortlistVote

        f = round.facilitator
        active = {p.user_id for p in round.people if p.role == "member" and p.stepped_back_at is None}
        members = [m for m in round.members if m.id in active]
        modules = list(db.session.scalars(db.select(TrainingModule).where(TrainingModule.round_id == round.id)))
        for member in members:
            missing = set(panel_policy.training_missing(member, round))
            for module in modules:
                if module.title in missing:
                    panels.record_training(f, member, module)
            for application in panel_policy.undeclared(member, round):
                panels.declare(member, application, "none")
        if not panels.active_assignments(round):
            panels.share_out(f, round)
        for member in members:
            if db.session.scalar(db.select(Assignment.id).join(Application).where(
                    Application.round_id == round.id, Assignment.member_id == member.id,
                    Assignment.released_at.is_(None), Assignment.accepted_at.is_(None)).limit(1)):
                panels.accept_work(member, round)
        version = criteria.current_version(round)
        choose = choose or (lambda member, application, criterion:
                            (application.id * 7 + criterion.position * 3 + member.id) % (version.scale_max + 1))
        for member in [m for m in members if m not in not_scoring]:
            for application in panels.my_assignments(member, round):
                sheet = score_policy.sheet_for(member, application)
                if (sheet is None or not sheet.submitted) and score_policy.why_not_score(member, application) is None:
                    scores.submit(member, application, {c.id: choose(member, application, c)
                                                        for c in version.criteria}, "Scored for the test.")
        for panel in round.panels if until != "scored" else ():
            if score_policy.closure(panel.id) is None and shortlist.eligible_ids(round, panel):
                shortlist.close_scoring(f, round, panel, "Closing scoring for the test round.")
            motion = shortlist.open_motion(panel.id) if until == "agreed" else None
            voters = db.session.scalars(db.select(User).join(RoundPerson, RoundPerson.user_id == User.id).where(
                RoundPerson.panel_id == panel.id, RoundPerson.stepped_back_at.is_(None)).order_by(RoundPerson.id))
            for voter in list(voters):
                if motion is None or motion.status != "open":
                    break
                said = db.session.scalar(db.select(ShortlistVote.choice).where(
                    ShortlistVote.motion_id == motion.id, ShortlistVote.member_id == voter.id))
                if said != "yes":
                    shortlist.vote(voter, round, motion, "yes")
        db.session.flush()

    def ready_for_interviews(self, round, questions: str = (
            "Thank you for coming to meet the panel. We ask every group the same questions.\n\n"
            "1. Tell us about your group and the people you help.\n"
            "2. What will you do with the money?\n"
            "3. How will you know if it has worked?")):
        """Before interviews start: the facilitator writes the interview questions and publishes
        them (they pass the plain-English check), and the panel members vote yes until they are
        agreed. Does what is not done yet."""
        from commission.accounts.models import User
        from commission.interviews import policy as interview_policy
        from commission.interviews import questions as interview_questions

        if not interview_policy.has_interviews(round) or interview_policy.questions_state(round) == "agreed":
            return round
        f = round.facilitator
        document = interview_policy.questions_document(round)
        if document is None:
            document = documents.create(f, round, "interview_questions", "Interview questions", questions)
        if document.published is not document.newest:
            documents.publish(f, document.newest)
        version = document.published
        for member in list(db.session.scalars(db.select(User).where(User.id.in_(interview_questions.voters(round)))
                                              .order_by(User.id))):
            if interview_policy.is_agreed(version):
                break
            if interview_questions.my_vote(member, version) != "yes":
                interview_questions.vote_on_questions(member, round, version, "yes")
        db.session.flush()
        return round

    def decide_all(self, round, choose=None, reason: str = "It reaches people who are alone, as our criteria ask."):
        """Deciding the real way: for each application on the shortlist with no decision yet, a
        member of its panel proposes `choose(application)` -> (outcome, amount in pence or None),
        by default fund in full while the budget allows and otherwise do not fund, about the first
        criterion; then members vote yes (in a dual-key round the other panels too, first saying
        they have no link) until it is decided. Does not confirm: that is the workflow step."""
        from commission.accounts.models import User
        from commission.decisions import policy as decision_policy
        from commission.decisions import service as decisions
        from commission.rounds.models import RoundPerson

        version = criteria.current_version(round)
        members = list(db.session.scalars(db.select(User).join(RoundPerson, RoundPerson.user_id == User.id).where(
            RoundPerson.round_id == round.id, RoundPerson.role == "member", RoundPerson.stepped_back_at.is_(None))
            .order_by(RoundPerson.id)))

        def default(application):
            fits = application.amount_requested_pence <= decision_policy.remaining_pence(round, application.id)
            return ("fund", None) if fits else ("not_fund", None)

        for application in self.applications(round):
            if application.status != "shortlisted" or decision_policy.current(application.id) is not None:
                continue
            outcome, amount = (choose or default)(application)
            proposer = next(m for m in members if decision_policy.why_not_propose(m, round, application) is None)
            motion = decisions.propose(proposer, round, application, outcome, reason=reason,
                                       criterion_ids=[version.criteria[0].id], amount_pence=amount,
                                       covers="Part of the work." if outcome == "part_fund" else None)
            for member in members:
                if motion.status != "open":
                    break
                if decision_policy.needs_link_answer(member, round, application):
                    decisions.declare_link(member, round, application, "none")
                if decision_policy.why_not_vote(member, round, application) is None:
                    decisions.vote(member, round, motion, "yes")
        db.session.flush()
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
