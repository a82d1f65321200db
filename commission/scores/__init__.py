"""Members' scores: drafts, blind submission, revisions with reasons, and scores set aside."""
