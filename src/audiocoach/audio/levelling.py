"""Even loudness: every phase at -16 LUFS integrated, true peak at or below -1 dBTP (BS.1770).

A plain espeak-ng session measures about -23 LUFS: too quiet on a phone next to other audio,
and a different voice would be louder or quieter again. So each session is measured and one
gain is applied to its clips, with a true-peak limiter where the gain would push a clip past
the ceiling.

Memory decides the shape. A whole phase as float64 is hundreds of megabytes, so nothing here
holds one: the session is measured from its distinct clips (meter.py), and the gain and the
limiter (limiter.py) work on those clips, which are small. Silences are never touched: they
stay exact digital silence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import partial

import numpy as np

from audiocoach.audio.limiter import PEAK_BLOCK, Peaks, block_peaks, limiter_gain, per_sample
from audiocoach.audio.meter import loudness_of
from audiocoach.audio.timeline import Timeline
from audiocoach.sound import FULL_SCALE, SAMPLE_RATE, Clip, Samples

TARGET_LUFS = -16.0
"""Integrated loudness of every session: the usual target for spoken audio on phones."""
CEILING_DBTP = -1.0
"""Highest true peak a session may have."""
LIMIT_DBTP = -3.0
"""Where the limiter sets the clips' true peak: two decibels below the ceiling leave room for
the MP3 encoder, whose output overshoots its input's peaks (by up to 1.5 dB at 40 kbit/s)."""
TOLERANCE_LU = 0.2
"""How close a session must come to the target before the gain is left alone."""
MAX_PASSES = 4
"""Most gains tried per session; two or three reach the tolerance with espeak-ng's voice."""
ENCODER_GAIN_DB = 20 * math.log10(0.95)
"""LAME (as lameenc runs it) scales its input by 0.95, -0.45 dB in every band, measured on
the decoded files; the samples are made that much louder so the MP3 lands on the target."""


class Leveller:
    """Brings sessions made of the same clips to one loudness, each with its own gain.

    A clip's oversampled peaks are computed once and reused for every gain tried and every
    session that uses the clip: a gain only scales them.
    """

    def __init__(
        self,
        clips: Mapping[str, Clip],
        target_lufs: float = TARGET_LUFS - ENCODER_GAIN_DB,
        limit_dbtp: float = LIMIT_DBTP,
    ) -> None:
        self.clips = clips
        self.target = target_lufs
        self.ceiling = 10 ** (limit_dbtp / 20)
        self._peaks: dict[str, Peaks] = {}

    def peaks(self, text: str) -> Peaks:
        """The clip's true peaks at unity gain (:func:`block_peaks`), worked out once."""
        if text not in self._peaks:
            self._peaks[text] = block_peaks(self.clips[text].samples)
        return self._peaks[text]

    def scaled_samples(self, text: str, gain_db: float) -> Samples:
        """The samples of :meth:`scaled`."""
        return self.scaled(text, gain_db).samples

    def limits(self, text: str, gain: float) -> bool:
        """Whether the limiter acts on this clip at this gain (as a factor)."""
        return float(self.peaks(text).max()) * gain > self.ceiling

    def scaled(self, text: str, gain_db: float) -> Clip:
        """The clip with ``gain_db`` applied, limited where needed.

        float32 throughout: its 24 bits are finer than the 16 the clip is rounded to at the
        end. The limiter's gain is worked out per block of peaks and glides linearly from
        one block's centre to the next."""
        gain = 10 ** (gain_db / 20)
        x = self.clips[text].samples.astype(np.float32)  # at the int16 scale; in place from here
        x *= np.float32(gain)
        if self.limits(text, gain):
            peaks = self.peaks(text).astype(np.float32)
            peaks *= np.float32(gain)
            per_block = limiter_gain(peaks, self.ceiling, SAMPLE_RATE / PEAK_BLOCK)
            x *= per_sample(per_block, len(x))
        np.round(x, out=x)
        np.clip(x, -FULL_SCALE, FULL_SCALE - 1, out=x)
        return Clip(text, x.astype(np.int16))

    def gain_db(self, timeline: Timeline) -> float | None:
        """The gain that :func:`level` applies to this session's clips (with the limiter, see
        :meth:`scaled`); ``None`` for a silent session, whose clips stay as they are. The same
        bits in every process, so a worker and an inline build write the same file.

        The first gain comes from measuring the session at unity gain, and is exact where the
        limiter has nothing to do. It depends on this session alone (not on one levelled
        before it), so a phase sounds the same built alone or with the others. Where it
        acts, the session comes out quieter than planned; it is measured again and the gain
        corrected, along the measured slope, until it is within :data:`TOLERANCE_LU` (a few
        passes at most). Silences are never touched.

        Each measurement levels one clip at a time as the meter asks for it and keeps only
        the filtered energies, so no levelled copy of the session's clips is held.
        """
        used = {
            e.text: len(self.clips[e.text].samples) for e in timeline.events if e.text is not None
        }
        unity = loudness_of(timeline, used, lambda text: self.clips[text].samples)
        if not math.isfinite(unity):
            return None
        gain_db = self.target - unity
        slope = 1.0
        previous: tuple[float, float] | None = None
        for _attempt in range(MAX_PASSES):
            applied = gain_db
            if not any(self.limits(text, 10 ** (applied / 20)) for text in used):
                break
            measured = loudness_of(timeline, used, partial(self.scaled_samples, gain_db=applied))
            error = self.target - measured
            if abs(error) <= TOLERANCE_LU:
                break
            if previous is not None and applied != previous[0]:
                slope = min(1.0, max(0.1, (measured - previous[1]) / (applied - previous[0])))
            previous = (applied, measured)
            gain_db = applied + error / slope
        return applied


def level(clips: dict[str, Clip], timeline: Timeline) -> float | None:
    """Bring a session to the target loudness by levelling its clips in place; the gain.

    The gain is found first (:meth:`Leveller.gain_db`), then each clip is replaced by its
    levelled self one at a time, so that besides the rest only one clip's unity and levelled
    samples are held at once. Silent sessions are left as they are (``None``).
    """
    leveller = Leveller(clips)
    gain_db = leveller.gain_db(timeline)
    if gain_db is not None:
        for text in list(clips):
            clips[text] = leveller.scaled(text, gain_db)
    return gain_db
