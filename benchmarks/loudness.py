"""What even loudness costs in a default build: measuring and levelling against encoding.

    .venv/bin/python benchmarks/loudness.py

Speaks the default program once (real espeak-ng), then for each phase times the unity
measurement, the whole levelling (gain, limiter, re-measurements, the levelled clips) and
rendering + encoding, and prints the process's peak memory. Numbers, not assertions: the
machine decides them.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Mapping

from audiocoach.audio.levelling import level
from audiocoach.audio.meter import loudness_of
from audiocoach.audio.mp3 import EncoderSettings, encode_chunks
from audiocoach.audio.render import render_chunks
from audiocoach.audio.timeline import Timeline
from audiocoach.model.program_file import load_program
from audiocoach.pipeline.build import prepare
from audiocoach.sound import Clip
from audiocoach.speech.espeak import EspeakVoice


def _loudness(timeline: Timeline, clips: Mapping[str, Clip]) -> float:
    lengths = {text: len(clip.samples) for text, clip in clips.items()}
    return loudness_of(timeline, lengths, lambda text: clips[text].samples)


def main() -> None:
    program = load_program()
    started = time.perf_counter()
    sessions, clips = prepare(program, EspeakVoice())
    print(f"speaking: {time.perf_counter() - started:.2f} s")
    totals = {"measure": 0.0, "level": 0.0, "encode": 0.0}
    for session in sessions:
        minutes = session.timeline.duration_ms / 60_000
        started = time.perf_counter()
        unity = _loudness(session.timeline, clips)
        measure = time.perf_counter() - started
        started = time.perf_counter()
        levelled = {e.text: clips[e.text] for e in session.timeline.events if e.text is not None}
        level(levelled, session.timeline)  # as each phase's worker does
        levelling = time.perf_counter() - started
        started = time.perf_counter()
        size = sum(len(b) for b in encode_chunks(render_chunks(session.timeline, levelled),
                                                   EncoderSettings()))  # fmt: skip
        encode = time.perf_counter() - started
        after = _loudness(session.timeline, levelled)
        print(
            f"{session.file_name}: {minutes:.1f} min, unity {unity:.2f} LUFS -> {after:.2f}; "
            f"measure {measure:.2f} s, level {levelling:.2f} s, render+encode {encode:.2f} s "
            f"({size / 1e6:.1f} MB)"
        )
        totals["measure"] += measure
        totals["level"] += levelling
        totals["encode"] += encode
    print("total: " + ", ".join(f"{k} {v:.2f} s" for k, v in totals.items()))
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
