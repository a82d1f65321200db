"""What a panel member is told about each stage: what is happening and what they need to do."""

MEMBER_NEXT = {
    "draft": "The round is getting ready. Your facilitator will be in touch about the first meeting.",
    "co_design": "The panel is choosing what to look for in each application. Come to the workshops and have your say.",
    "open": "Groups are applying for the money now. You have nothing to do until the closing date.",
    "eligibility": "Staff are checking applications against the published rules. Scoring starts after that.",
    "shortlisting": "The panel is scoring applications and choosing a shortlist.",
    "rest_after_shortlisting": "The panel is resting after shortlisting. Take a break: there is nothing to do.",
    "interviews": "The panel is meeting the shortlisted organisations.",
    "rest_after_interviews": "The panel is resting after the interviews. Take a break: there is nothing to do.",
    "deciding": "The panel is deciding who gets the money.",
    "decided": "The panel has made its decisions. Letters to applicants are being written.",
    "closed": "This round has finished. Thank you for your time.",
    "paused": "This round is paused for now. Your facilitator will tell you when it starts again.",
    "cancelled": "This round was cancelled.",
}
