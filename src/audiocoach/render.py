"""Timeline + clips -> one session's samples, in a single pass.

The buffer is allocated once at the session's full length and every clip is copied to its
place; appending segments instead copies the growing recording on every append, which is
quadratic in the session length (pydub issue 256).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from audiocoach.audio import Samples, frame_at
from audiocoach.speech import Clip
from audiocoach.timeline import Timeline


def render(timeline: Timeline, clips: Mapping[str, Clip]) -> Samples:
    """The session as 16-bit samples; silences are exact digital silence."""
    out = np.zeros(frame_at(timeline.duration_ms), dtype=np.int16)
    for event in timeline.events:
        if event.text is not None:
            samples = clips[event.text].samples
            start = frame_at(event.start_ms)
            out[start : start + len(samples)] = samples
    return out
