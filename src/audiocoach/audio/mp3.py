"""MP3 encoding with LAME through ``lameenc``: no ffmpeg, deterministic bytes.

Speech in mono at 22.05 kHz needs little. 40 kbit/s constant bit rate was chosen on purpose: a
patient's bundle (phase 1 and three exercises of phase 2, an hour of audio) must fit in an
e-mail (20 MB), and decoded it is the speech that went in: the same loudness, every 250 Hz band
up to 8 kHz within a quarter decibel, and up to 10 kHz within one (the engine's voice has 0.3 %
of its energy above 8 kHz; at 32 kbit/s LAME cuts everything above 8.3 kHz). docs/stack.md has
the figures. Constant, so every player computes the duration the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import lameenc

from audiocoach.files import atomic_writer
from audiocoach.sound import CHANNELS, SAMPLE_RATE, Samples


@dataclass(frozen=True)
class EncoderSettings:
    """What changes the MP3's bytes; part of the build's fingerprint."""

    bit_rate_kbps: int = 40
    quality: int = 7
    """LAME's algorithm quality, 2 (best, slowest) to 7 (fast); 7 is transparent for speech."""


def encode_chunks(chunks: Iterable[Samples], settings: EncoderSettings) -> Iterator[bytes]:
    """MP3 frames for consecutive chunks of samples, as they are encoded."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(settings.bit_rate_kbps)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_channels(CHANNELS)
    encoder.set_quality(settings.quality)
    for chunk in chunks:
        yield bytes(encoder.encode(chunk.tobytes()))
    yield bytes(encoder.flush())


def write_mp3(
    chunks: Iterable[Samples],
    path: Path,
    settings: EncoderSettings | None = None,
    header: bytes = b"",
) -> None:
    """Encode consecutive chunks of samples into ``path``, streaming, atomically.

    ``header`` (an ID3v2 tag) is written before the first frame, into the same temporary file.
    """
    with atomic_writer(path) as handle:
        handle.write(header)
        for frames in encode_chunks(chunks, settings or EncoderSettings()):
            handle.write(frames)
