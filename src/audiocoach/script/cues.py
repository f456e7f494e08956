"""The sound cues a script calls for, by label: a tone when a set starts, one when it ends, a
chime at the very end.

A label is the ``text`` of a tone step and of its timeline event; :mod:`audiocoach.audio.tones`
says how each one sounds. "♪" never appears in spoken text (the Dutch check refuses it), so a
label can never be mistaken for something said.
"""

from __future__ import annotations

SET_START = "♪ start"
SET_END = "♪ stop"
SESSION_END = "♪ einde"
