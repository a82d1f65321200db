"""A real calendar program for the tests: khal, a standards-based terminal calendar.

Parsing our own `.ics` with the library that wrote it proves little. khal reads the file as a
person's calendar would: it imports it into a calendar folder, resolves the time zone, and
replaces an event when a newer file with the same UID arrives."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KHAL = Path(sys.executable).with_name("khal")
CONFIG = """\
[calendars]
[[interviews]]
path = {folder}
type = calendar
[locale]
local_timezone = Europe/London
default_timezone = Europe/London
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
"""


class CalendarProgram:
    """One person's calendar in a folder of its own, kept in UK time."""

    def __init__(self, home: Path):
        self.home = home
        (home / "calendar").mkdir(parents=True)
        (home / "data").mkdir()
        (home / "config").write_text(CONFIG.format(folder=home / "calendar"))

    def _khal(self, *args: str) -> str:
        done = subprocess.run([str(KHAL), "-c", str(self.home / "config"), *args], capture_output=True, text=True,
                              env={**os.environ, "XDG_DATA_HOME": str(self.home / "data"), "TZ": "Europe/London"},
                              timeout=60)
        assert done.returncode == 0 and "critical" not in done.stderr.lower(), done.stderr
        return done.stdout

    def import_file(self, body: bytes, name: str = "invite.ics") -> None:
        path = self.home / name
        path.write_bytes(body)
        self._khal("import", "--batch", str(path))

    def events(self, start: str, days: int = 800) -> list[str]:
        """Each event from `start` (YYYY-MM-DD) as 'YYYY-MM-DD HH:MM-HH:MM title STATUS' in UK time."""
        out = self._khal("list", "--day-format", "", "--format", "{start}-{end-time} {title} {status}",
                         start, f"{days}d")
        return [line.strip() for line in out.splitlines() if line.strip()]
