"""The obvious pydub script, for comparison: append every clip and silence with ``+=``.

This is what a practice would write first. It is kept out of the package on purpose: it is the
baseline the benchmark measures audiocoach against, not a way to build sessions.

It uses audiocoach only for what to say (the same program, script and voice), then does the
audio the plain way: each distinct text synthesised once with the same espeak-ng voice, the
session grown by ``+=`` (which copies the whole recording on every append), and the result
encoded. pydub's own ``export(format="mp3")`` needs ffmpeg, which this project does not require,
so the raw data of the finished segment is encoded with lameenc at the same settings instead.

Run alone: ``python benchmarks/plain_pydub.py [PROGRAM_FILE] [OUT_DIR]``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import lameenc

with warnings.catch_warnings():  # pydub warns about ffmpeg, which nothing here needs
    warnings.simplefilter("ignore")
    from pydub import AudioSegment

from audiocoach.audio.mp3 import EncoderSettings
from audiocoach.audio.tones import tone_clip
from audiocoach.model.program_file import load_program
from audiocoach.pipeline.session import write_scripts
from audiocoach.script.session import session_file_name
from audiocoach.script.writer import Line, Tone
from audiocoach.speech.espeak import EspeakVoice


def segment(samples: bytes, rate: int) -> AudioSegment:
    return AudioSegment(data=samples, sample_width=2, frame_rate=rate, channels=1)


def build_plain(program_file: Path | None, out_dir: Path) -> list[Path]:
    """One MP3 per session (each phase in full and short), the plain pydub way."""
    program = load_program(program_file)
    voice = EspeakVoice()
    settings = EncoderSettings()
    clips: dict[str, AudioSegment] = {}
    written = []
    for script in write_scripts(program):
        audio = AudioSegment.silent(0, frame_rate=22_050)
        for step in script.steps:
            if isinstance(step, Tone):
                audio += segment(tone_clip(step.label).samples.tobytes(), 22_050)
            elif isinstance(step, Line):
                if step.text not in clips:
                    sound = voice.synthesize(step.text)
                    clips[step.text] = segment(sound.samples.tobytes(), sound.rate)
                clip = clips[step.text]
                audio += clip
                if step.slot_ms > len(clip):
                    audio += AudioSegment.silent(step.slot_ms - len(clip), frame_rate=22_050)
            else:
                audio += AudioSegment.silent(step.ms, frame_rate=22_050)
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(settings.bit_rate_kbps)
        encoder.set_in_sample_rate(audio.frame_rate)
        encoder.set_channels(audio.channels)
        encoder.set_quality(settings.quality)
        path = out_dir / session_file_name(script.phase, script.variant)
        path.write_bytes(bytes(encoder.encode(audio.raw_data)) + bytes(encoder.flush()))
        written.append(path)
    return written


if __name__ == "__main__":
    arguments = sys.argv[1:]
    source = Path(arguments[0]) if arguments and arguments[0] else None
    target = Path(arguments[1]) if len(arguments) > 1 else Path("output-plain")
    target.mkdir(parents=True, exist_ok=True)
    for file in build_plain(source, target):
        print(file)
