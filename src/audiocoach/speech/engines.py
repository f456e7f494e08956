"""Every speech engine audiocoach speaks with, in one table: :data:`ENGINES`.

A row says which ``--voice`` names the engine takes, how it makes the voice, which voices it
offers, and the words the CLI and serve's screen use for it. ``build``, ``preview`` and
``serve`` choose the engine here (:func:`engine_for`), ``audiocoach voices`` and serve's lists
show :func:`dutch_voices`, ``--voice``'s help is :func:`voice_help` and serve keeps what
:func:`accepts` takes: nothing else names an engine, so a new one is its module and a row.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from audiocoach.speech.espeak import (
    DEFAULT_VOICE,
    EspeakVoice,
    VoiceInfo,
    bundled_voices,
    is_bundled,
)
from audiocoach.speech.piper import PiperVoice, is_piper_model
from audiocoach.speech.system import SystemVoice, system_voices
from audiocoach.speech.voice import Voice

DUTCH = "nl"


@dataclass(frozen=True)
class Engine:
    """One speech engine, as the CLI and serve see it."""

    name: str
    make: Callable[[str | None, int], Voice]
    """The voice for a ``--voice`` this engine takes (``None``: the default's), at a rate."""
    claims: Callable[[str], bool] | None = None
    """Whether a ``--voice`` is this engine's; ``None`` for the default engine (the first
    row), which speaks whatever no other row claims."""
    voices: Callable[[], Sequence[VoiceInfo]] = tuple
    """The voices it offers by id, best first (the Dutch ones are listed)."""
    help: str | None = None
    """How ``--voice`` names its voices, for the option's help (``None``: by an id of the
    list, which the default's words already say)."""
    label: str = "Stem"
    """serve's word before a voice of this engine that is not in its list (a model file)."""
    model_files: bool = False
    """Its voices are files (Piper's ``.onnx``): serve takes one inside its output folder."""


ENGINES: tuple[Engine, ...] = (
    Engine(
        "espeak-ng",
        EspeakVoice,
        voices=lambda: sorted(bundled_voices(), key=lambda v: (v.id != DEFAULT_VOICE, v.id)),
        help="Speech engine voice id (see 'audiocoach voices')",
    ),
    Engine(
        "piper",
        lambda voice, rate: PiperVoice(Path(voice or ""), rate),
        claims=is_piper_model,
        help="a Piper voice model file (.onnx, with its .onnx.json beside it)",
        label="Piper-stem",
        model_files=True,
    ),
    Engine(
        # Last: on Windows and macOS it claims every id the bundled espeak-ng does not have.
        "system",
        lambda voice, rate: SystemVoice(voice or "", rate),
        claims=lambda voice: not is_bundled(voice),
        voices=system_voices,
    ),
)
"""The engines, the default first; a ``--voice`` is the first row's that claims it."""


def engine_for(voice: str | None) -> Engine:
    """The engine that speaks ``--voice`` (the default for none, or one no row claims)."""
    if voice is not None:
        for engine in ENGINES:
            if engine.claims is not None and engine.claims(voice):
                return engine
    return ENGINES[0]


def is_dutch(info: VoiceInfo) -> bool:
    """Whether a voice speaks Dutch, by its languages or (espeak-ng's) by its id."""
    return any(lang.lower().startswith(DUTCH) for lang in info.languages) or info.id.endswith("/nl")


def dutch_voices() -> list[VoiceInfo]:
    """Every engine's Dutch voices, in the table's order: the bundled plain Dutch one first."""
    return [info for engine in ENGINES for info in engine.voices() if is_dutch(info)]


def unknown_voice(voice_id: str) -> str:
    """The sentence for a ``--voice`` that names no voice here."""
    names = ", ".join(v.id for v in dutch_voices()) or "none"
    return f"The voice '{voice_id}' does not exist; Dutch voices here: {names}."


def voice_help() -> str:
    """``--voice``'s help: each engine's way of naming a voice."""
    ways = [engine.help for engine in ENGINES if engine.help]
    return ", or ".join(ways) + "; default: the engine's Dutch voice."


def accepts(voice: str, listed: Collection[str], file_ok: Callable[[Path], bool] | None) -> bool:
    """Whether serve keeps a voice chosen on its screen: none (the default), one of ``listed``,
    or, where ``file_ok`` says so of its path, a model file of an engine that reads them."""
    if not voice or voice in listed:
        return True
    return file_ok is not None and _model_engine(voice) is not None and file_ok(Path(voice))


def voice_label(voice: str) -> str:
    """What serve shows for a voice not in its list: ``Piper-stem nl_BE-x-medium.onnx``."""
    engine = _model_engine(voice) or ENGINES[0]
    return f"{engine.label} {voice.rsplit('/', 1)[-1]}"


def _model_engine(voice: str) -> Engine | None:
    """The engine whose model file ``voice`` names, asked of those engines only: the others'
    claims may list voices, which serve's web process leaves to its speech process."""
    for engine in ENGINES:
        if engine.model_files and engine.claims is not None and engine.claims(voice):
            return engine
    return None
