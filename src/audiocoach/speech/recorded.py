"""The therapist's own voice: recorded phrases, with another voice for whatever is missing.

A folder holds one recording per phrase, named by the phrase's key (``tel-01.wav``,
``oef-07-instructie.flac``: any format ``soundfile`` reads). :class:`RecordedVoice` is a
:class:`~audiocoach.speech.voice.Voice` like any engine: asked for a text, it returns the recording
of that text, made to sit among the engine's phrases (silence trimmed, 22.05 kHz mono, the
same loudness as the engine saying it), or the engine's own clip when there is no recording.
The timeline and the mixer never learn which one spoke.

The engine may itself be behind the speech cache: then what it says is kept there, and a
later build speaks nothing the recordings lack (nor the loudness references) again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from audiocoach.errors import SpeechError
from audiocoach.sound import SAMPLE_RATE, Floats, Sound, resample, to_int16, trim_silence
from audiocoach.speech.voice import Recordings, StoredClip, Voice, clip_of

EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3")
"""Recording formats looked for, in this order; all are read by ``soundfile`` (libsndfile)."""
BLOCK_MS = 10
"""Length of the blocks whose level decides loudness and where a recording's sound starts."""
ABSOLUTE_GATE_DB = -70.0
RELATIVE_GATE_DB = -10.0
"""Blocks this far below the mean are pauses, not speech: they do not count for loudness."""
TRIM_BELOW_DB = 35.0
"""A recording's edges quieter than its speech level minus this are cut..."""
ABOVE_NOISE_DB = 10.0
"""...and so are edges less than this above the room's noise (its quietest blocks)..."""
SPEECH_MARGIN_DB = 20.0
"""...but never an edge within this of the speech level: that is speech, however soft."""
NOISE_PERCENTILE = 10
PEAK_CEILING = 0.98
"""Largest sample after level matching, as a fraction of full scale: no clipping."""
MAX_RECORDING_S = 120
"""A phrase takes seconds, an instruction a minute at most: a longer file is not a phrase
(a whole session saved under a phrase's name), and reading it would take gigabytes."""


def speech_level_db(samples: Floats) -> float:
    """Active speech level in dB full scale: mean power of the blocks that are not pauses.

    A gated mean, as in BS.1770, on short blocks so that a single counted word is measured as
    well as a sentence. Recordings and engine clips are measured by this one function.
    """
    block = SAMPLE_RATE * BLOCK_MS // 1000
    count = len(samples) // block
    if count == 0:
        return float("-inf")
    powers = np.mean(np.square(samples[: count * block].reshape(count, block)), axis=1)
    powers = powers[powers > 10 ** (ABSOLUTE_GATE_DB / 10)]
    if powers.size == 0:
        return float("-inf")
    kept = powers[powers >= powers.mean() * 10 ** (RELATIVE_GATE_DB / 10)]
    return float(10 * np.log10(kept.mean()))


def read_recording(path: Path) -> Floats:
    """A recording as mono floats at the session rate; an unreadable file is a named error."""
    import soundfile

    try:
        info = soundfile.info(str(path))
        if info.frames > MAX_RECORDING_S * info.samplerate:
            raise SpeechError(
                f"The recording {path} lasts {info.frames / info.samplerate / 60:.0f} minutes; "
                f"a phrase may last at most {MAX_RECORDING_S} seconds."
            )
        data, rate = soundfile.read(path, dtype="float64", always_2d=True)
    except (RuntimeError, OSError, ValueError, TypeError) as error:
        reason = str(error).rstrip(". ")
        raise SpeechError(f"The recording {path} cannot be read: {reason}.") from None
    if not np.isfinite(data).all():  # a float file may hold them; every sum would be one
        raise SpeechError(
            f"The recording {path} holds samples that are not numbers (infinite or NaN); "
            "export it again as 16-bit WAV."
        )
    mono = np.asarray(data.mean(axis=1), dtype=np.float64)
    if speech_level_db(mono) == float("-inf"):
        raise SpeechError(f"The recording {path} is silent.")
    return resample(mono, int(rate))


def trim_recording(samples: Floats) -> Floats:
    """Cut the silence and room noise before and after the phrase.

    A home recording's noise can lie only thirty decibels under a quiet voice, so the cut
    follows the noise the recording itself shows, within bounds that keep soft speech.
    """
    block = SAMPLE_RATE * BLOCK_MS // 1000
    count = len(samples) // block
    if count == 0:
        return samples
    levels = 10 * np.log10(
        np.mean(np.square(samples[: count * block].reshape(count, block)), axis=1) + 1e-20
    )
    speech = speech_level_db(samples)
    noise = float(np.percentile(levels, NOISE_PERCENTILE))
    threshold = max(speech - TRIM_BELOW_DB, min(noise + ABOVE_NOISE_DB, speech - SPEECH_MARGIN_DB))
    loud = np.flatnonzero(levels > threshold)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] * block : (loud[-1] + 1) * block]


def match_level(samples: Floats, target_db: float) -> Floats:
    """Scale to ``target_db`` active speech level, less if that would clip."""
    gain = 10 ** ((target_db - speech_level_db(samples)) / 20)
    peak = float(np.abs(samples).max())
    if peak * gain > PEAK_CEILING:
        gain = PEAK_CEILING / peak
    return samples * gain


def find_recordings(folder: Path, keys: Mapping[str, str]) -> dict[str, Path]:
    """The recording of each text that has one: ``folder/<key>.<ext>`` (``keys``: text -> key).

    Two recordings of one phrase (``tel-01.wav`` and ``tel-01.mp3``) are an error: which one
    the therapist meant cannot be guessed.
    """
    if not folder.exists():
        raise SpeechError(f"The folder of recordings {folder} does not exist.")
    if not folder.is_dir():
        raise SpeechError(f"The folder of recordings {folder} is a file, not a folder.")
    by_name: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in EXTENSIONS and path.is_file():
            # Keys are lower case; a camera or Windows may save TEL-01.WAV.
            by_name.setdefault(path.stem.lower(), []).append(path)
    found: dict[str, Path] = {}
    for text, key in keys.items():
        paths = by_name.get(key.lower(), [])
        if len(paths) > 1:
            names = " and ".join(p.name for p in paths)
            raise SpeechError(f"The phrase '{key}' has two recordings, {names}; keep one.")
        if paths:
            found[text] = paths[0]
    return found


class RecordedVoice(Voice):
    """Recordings where a phrase has one, ``fallback`` for every other text.

    Every recording is read and checked when the voice is made, before any work starts.
    """

    def __init__(self, folder: Path, keys: Mapping[str, str], fallback: Voice) -> None:
        """``keys`` maps each text the sessions say to its phrase key
        (:mod:`audiocoach.script.keys`)."""
        self.fallback = fallback
        paths = find_recordings(folder, keys)
        missing = tuple((key, text) for text, key in keys.items() if text not in paths)
        self._recordings = Recordings(folder, paths, missing)
        self._audio = {text: read_recording(path) for text, path in paths.items()}
        digest = hashlib.sha256()
        for text, path in sorted(paths.items(), key=lambda item: item[1].name):
            digest.update(f"{keys[text]}\n{text}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        self._digest = digest.hexdigest()[:16]

    @property
    def identity(self) -> str:
        """Changes with any recording (its content is hashed) and with the fallback voice,
        which sets the loudness the recordings are matched to."""
        return f"recorded-{self._digest}:{self.fallback.identity}"

    @property
    def recordings(self) -> Recordings:
        return self._recordings

    def synthesize(self, text: str) -> Sound:
        """The recording of ``text``, matched to the loudness of the fallback saying it."""
        if text not in self._audio:
            return self.fallback.synthesize(text)
        reference = clip_of(text, self.fallback.synthesize(text)).samples / 32768.0
        trimmed = trim_recording(self._audio[text])
        samples = trim_silence(to_int16(match_level(trimmed, speech_level_db(reference))))
        if samples.size == 0:
            raise SpeechError(f"The recording {self._recordings.paths[text]} is silent.")
        return Sound(samples, SAMPLE_RATE)

    def rest(self) -> None:
        self.fallback.rest()

    def stored(self, text: str) -> StoredClip | None:
        """The fallback's entry for a text it said; ``None`` for a recorded text, whose clip
        is made here (the fallback's entry for it holds only the loudness reference)."""
        return None if text in self._audio else self.fallback.stored(text)
