"""Feedback letters for every applicant, approved by the panel before applicants read them."""
