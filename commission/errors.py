class RuleBroken(Exception):
    """A rule of the engine said no. The message is plain English for the person asking."""


class NotAllowed(RuleBroken):
    """The person asking may not do this at all (maps to 403)."""


class NotFound(RuleBroken):
    """Nothing there that this person may see (maps to 404)."""
