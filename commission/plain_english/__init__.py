"""The plain-English check every document a panel member or applicant reads must pass."""
from commission.plain_english.check import Problem, Report, check, render_report
from commission.plain_english.jargon import JARGON

__all__ = ["JARGON", "Problem", "Report", "check", "render_report"]
