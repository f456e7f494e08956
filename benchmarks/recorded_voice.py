"""What the therapist's recordings cost: reading, resampling and level matching.

Run: ``python benchmarks/recorded_voice.py``. Every phrase of the built-in card is "recorded"
as a two-second tone at 48 kHz, then the sessions are prepared (spoken, laid out) with the
recordings and with the engine alone. A recorded phrase is also spoken by the engine once, for
its loudness, so the two should take about as long.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile

from audiocoach.model.program_file import load_program
from audiocoach.pipeline.build import prepare
from audiocoach.pipeline.session import write_scripts
from audiocoach.pipeline.voices import choose_voice
from audiocoach.script.phrases import phrase_list
from audiocoach.sound import resample


def main() -> None:
    noise = np.random.default_rng(0).normal(0, 0.1, 48_000 * 10)
    start = time.perf_counter()
    resample(noise, 48_000)
    print(f"resample 10 s from 48 kHz: {1000 * (time.perf_counter() - start):.1f} ms")

    program = load_program()
    phrases = phrase_list(write_scripts(program))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        t = np.arange(2 * 48_000) / 48_000
        for i, phrase in enumerate(phrases):
            tone = 0.05 * np.sin(2 * np.pi * (300 + 5 * i) * t)
            soundfile.write(folder / f"{phrase.key}.wav", tone, 48_000)
        start = time.perf_counter()
        voice = choose_voice(program, None, 150, folder)
        print(f"read {len(phrases)} recordings: {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        prepare(program, voice)
        print(f"prepare the card, every phrase recorded: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    prepare(program, choose_voice(program, None, 150))
    print(f"prepare the card, engine only: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
