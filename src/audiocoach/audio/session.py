"""A session: one phase's script laid out on its timeline, as it will be heard.

Plain data that the build makes and the files describe (tags, transcripts, page). It lives
with the timeline it holds, in ``audio/``; what the script alone decides (the file's name, what
a session asks of a day) is ``script/session.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from audiocoach.audio.timeline import Timeline
from audiocoach.script.session import OfScript
from audiocoach.script.writer import SessionScript


@dataclass(frozen=True)
class Session(OfScript):
    """One phase as it will be heard."""

    script: SessionScript
    timeline: Timeline
