"""Counting words the way a person would, and saying plainly when there are too many."""
from __future__ import annotations



def count_words(text: str | None) -> int:
    """Words are runs of characters between spaces or line breaks."""
    return len((text or "").split())


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def word_limit_problem(label: str, text: str | None, limit: int) -> str | None:
    """None if the text fits, else a message that quotes the count and the limit."""
    count = count_words(text)
    if count <= limit:
        return None
    return (f"{label} has {plural(count, 'word')}. It can have up to {plural(limit, 'word')}, "
            f"so take out at least {plural(count - limit, 'word')}.")
