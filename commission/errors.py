class RuleBroken(Exception):
    """A rule of the engine said no. The message is plain English for the person asking."""


class NotAllowed(RuleBroken):
    """The person asking may not do this at all (maps to 403)."""


class NotFound(RuleBroken):
    """Nothing there that this person may see (maps to 404)."""


class FieldProblem(RuleBroken):
    """Broken rules about boxes on a form, by box, so a page can show each beside its box."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(" ".join(fields.values()))
        self.fields = dict(fields)

    @classmethod
    def one(cls, field: str, message: str) -> "FieldProblem":
        return cls({field: message})

    @property
    def field(self) -> str:
        """The (first) box the problem is about."""
        return next(iter(self.fields))
