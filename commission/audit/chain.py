"""The hash chain itself: canonical form, hashing and verification.

Kept apart from the service so `audit verify` and the benchmark read one definition.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor_id", "actor_role", "action", "object_type", "object_id", "round_id", "details", "prev_hash")

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def canonical_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_details(details: dict) -> str:
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(seq, at, actor_id, actor_role, action, object_type, object_id, round_id, details, prev_hash) -> str:
    """SHA-256 over a canonical JSON array of every field and the previous hash."""
    payload = _dumps([seq, canonical_time(at), actor_id, actor_role, action, object_type,
                      object_id, round_id, details, prev_hash])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int
    head_hash: str
    bad_seq: int | None = None
    problem: str | None = None


def verify_rows(rows, expect_head: str | None = None) -> Verdict:
    """Walk rows (tuples in FIELDS order plus the stored hash, by seq) and judge the chain."""
    expected_seq = 1
    prev = GENESIS
    count = 0
    seen_expected = expect_head is None
    for seq, at, actor_id, actor_role, action, object_type, object_id, round_id, details, prev_hash, stored in rows:
        if seq != expected_seq:
            return Verdict(False, count, prev, expected_seq,
                           f"Entry {expected_seq} is missing: the trail jumps from entry {expected_seq - 1} "
                           f"to entry {seq}. It was deleted.")
        if entry_hash(seq, at, actor_id, actor_role, action, object_type, object_id, round_id,
                      details, prev_hash) != stored:
            return Verdict(False, count, prev, seq,
                           f"Entry {seq} was changed: what it says no longer matches its hash.")
        if prev_hash != prev:
            return Verdict(False, count, prev, seq,
                           f"Entry {seq} does not follow entry {seq - 1}: an entry was inserted, "
                           f"deleted or moved here.")
        prev = stored
        count += 1
        expected_seq += 1
        if not seen_expected and stored == expect_head:
            seen_expected = True
    if not seen_expected:
        return Verdict(False, count, prev, count + 1,
                       f"The trail ends at entry {count}, but the hash you expected ({expect_head[:12]}…) "
                       f"is not in it. Check you copied it correctly. If you did, entries were cut off "
                       f"the end, or the last ones were rewritten.")
    return Verdict(True, count, prev)
