"""One phase's MP3, written by an encoding worker from an order of plain data.

Workers are separate processes that import this module to run :func:`make_phase_file`, so it
imports only what rendering and encoding need (numpy, lameenc and the modules below): every
megabyte imported here is paid once per worker, and the default build's memory budget counts
them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from audiocoach.audio.levelling import level
from audiocoach.audio.mp3 import EncoderSettings, write_mp3
from audiocoach.audio.render import render_chunks
from audiocoach.audio.timeline import Timeline
from audiocoach.files import fault_point
from audiocoach.pipeline.parallel import release_memory
from audiocoach.sound import Clip
from audiocoach.speech.cache import load_entry


@dataclass(frozen=True)
class PhaseFileOrder:
    """The work order for one phase's MP3: everything a worker needs to write it; plain data,
    so it pickles."""

    path: Path
    timeline: Timeline
    clips: dict[str, Clip]
    """The clips this timeline says that are not in ``cached``."""
    cached: dict[str, Path]
    """The clips this timeline says that the worker reads from the speech cache itself."""
    encoder: EncoderSettings
    header: bytes = b""
    """Written before the MP3 frames: the ID3 tag with the chapters."""
    checksums: dict[str, bytes] = field(default_factory=dict)
    """Of the ``cached`` entries as the main process read them: another clip is not played."""


def make_phase_file(order: PhaseFileOrder) -> Path:
    """A worker's work: bring the session to the target loudness, then render its timeline a
    chunk at a time, streaming into the MP3.

    The loudness is measured here, not in the main process, so the main process holds no
    more than the clips it speaks and goes on speaking the next phase meanwhile.
    """
    fault_point("encoding")
    clips = {
        **order.clips,
        **{
            text: Clip(text, load_entry(path, order.checksums.get(text)))
            for text, path in order.cached.items()
        },
    }
    level(clips, order.timeline)
    release_memory()  # the unity clips and the levelling's floats, before encoding
    write_mp3(render_chunks(order.timeline, clips), order.path, order.encoder, header=order.header)
    return order.path
