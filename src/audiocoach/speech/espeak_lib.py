"""libespeak-ng through ctypes, synchronously: text in, 16-bit samples out, in memory.

The bundled library (the ``espeakng-loader`` wheel: ``libespeak-ng.so``, ``.dylib`` or
``espeak-ng.dll`` and its voice data, Dutch included) is opened by its path, so nothing needs
to be installed; without the wheel, a system espeak-ng is looked for. In synchronous mode
(``AUDIO_OUTPUT_SYNCHRONOUS``) ``espeak_Synth`` returns only once the whole text has been
handed to the synth callback, which collects the samples: no thread of espeak's, no queue, no
file, nothing to wait for.

Only :mod:`audiocoach.speech.speaker` loads this, in a process of its own: the library keeps
state from one text to the next (see there), and one process can hold it only once. Nothing
here imports more than the standard library, so that process stays small.
"""

from __future__ import annotations

import ctypes
import os

SYNCHRONOUS = 2
"""``AUDIO_OUTPUT_SYNCHRONOUS``: ``espeak_Synth`` returns when every sample was delivered."""
DONT_EXIT = 0x8000
"""``espeakINITIALIZE_DONT_EXIT``: a missing data folder is an error code, not ``exit()``."""
CHARS_UTF8, PHONEMES, ENDPAUSE = 0x1, 0x100, 0x1000
"""``espeak_Synth`` flags: UTF-8 text, ``[[...]]`` read as phonemes, a pause at the end."""
POS_CHARACTER = 1
RATE, VOLUME = 1, 2
"""``espeak_SetParameter`` ids."""
FULL_VOLUME = 100
"""espeak-ng's own default, which pyttsx3 also set."""


class _Event(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_void_p),
    )


class _Voice(ctypes.Structure):
    _fields_ = (
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    )


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(_Event))
"""espeak-ng's synthesis callback. The samples come as a plain address (an int, ``None`` for
NULL): a typed ``POINTER(c_short)`` could only be annotated with ctypes' private ``_Pointer``."""


class EspeakLibError(Exception):
    """The library or its data could not be loaded, or refused a voice or a text."""


LIBRARY_VAR = "AUDIOCOACH_ESPEAK_LIBRARY"
DATA_VAR = "AUDIOCOACH_ESPEAK_DATA"
"""Where the speaker process finds the library and its data: its parent looks them up
(:func:`library_paths`), so the speaker need not import the loader (some 3 MB of modules in
every process that speaks, and in each of its children)."""


def library_paths() -> tuple[str, str]:
    """The library to open and its data folder: the wheel's, else a system espeak-ng
    (an empty data folder: the library's own default)."""
    try:
        import espeakng_loader
    except ImportError:
        import ctypes.util

        found = ctypes.util.find_library("espeak-ng")
        if found is None:
            raise EspeakLibError("espeak-ng is not installed") from None
        return found, os.environ.get("ESPEAK_DATA_PATH", "")
    return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()


def _given_paths() -> tuple[str, str]:
    path = os.environ.get(LIBRARY_VAR)
    return (path, os.environ.get(DATA_VAR, "")) if path else library_paths()


def _first_language(packed: bytes | None) -> tuple[str, ...]:
    """A voice's main language: espeak's list starts with a priority byte, then the name."""
    name = (packed or b"")[1:]
    return (name.decode(errors="replace"),) if name else ()


class EspeakLib:
    """The library, initialised for synchronous synthesis; one per process."""

    def __init__(self) -> None:
        path, data = _given_paths()
        try:
            self._lib = ctypes.CDLL(path)
        except OSError as error:
            raise EspeakLibError(f"{path} cannot be loaded ({error})") from None
        lib = self._lib
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        self.rate = lib.espeak_Initialize(
            SYNCHRONOUS, 0, data.encode() if data else None, DONT_EXIT
        )
        if self.rate <= 0:
            raise EspeakLibError(f"espeak-ng did not start (its data folder: {data})")
        self._chunks: list[bytes] = []
        self._callback = _CALLBACK(self._collect)  # kept: the library holds only a pointer
        lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: int | None, count: int, _events: object) -> int:
        if count > 0 and wav:
            self._chunks.append(ctypes.string_at(wav, 2 * count))
        return 0

    @property
    def version(self) -> str:
        """The library's version, as it reports it ("1.52.0")."""
        return (self._lib.espeak_Info(None) or b"unknown").decode(errors="replace").strip()

    def voices(self) -> list[dict[str, object]]:
        """Every voice of the library's data: its identifier (``gmw/nl``), name and languages."""
        found: list[dict[str, object]] = []
        listed = self._lib.espeak_ListVoices(None)
        index = 0
        while listed[index]:
            voice = listed[index].contents
            found.append(
                {
                    "id": (voice.identifier or b"").decode(errors="replace"),
                    "name": (voice.name or b"").decode(errors="replace"),
                    "languages": _first_language(voice.languages),
                }
            )
            index += 1
        return found

    def choose(self, voice_id: str, rate: int) -> None:
        """Set the voice and the rate (words per minute) every later text is spoken with."""
        if self._lib.espeak_SetVoiceByName(voice_id.encode()) != 0:
            raise EspeakLibError(f"espeak-ng has no voice '{voice_id}'")
        self._lib.espeak_SetParameter(RATE, rate, 0)
        self._lib.espeak_SetParameter(VOLUME, FULL_VOLUME, 0)

    def synthesize(self, text: str) -> bytes:
        """Say ``text`` (``[[...]]`` read as phonemes): 16-bit mono samples, native byte order."""
        self._chunks = []
        encoded = text.encode() + b"\0"
        flags = CHARS_UTF8 | PHONEMES | ENDPAUSE
        size = len(encoded)
        error = self._lib.espeak_Synth(encoded, size, 0, POS_CHARACTER, 0, flags, None, None)
        if error != 0:
            raise EspeakLibError(f"espeak-ng refused the text (error {error})")
        return b"".join(self._chunks)
