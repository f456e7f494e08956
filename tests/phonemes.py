"""espeak-ng's own reading of a text: the phonemes the bundled library would speak.

``espeak_TextToPhonemes`` in the library that ``espeakng-loader`` ships turns text into IPA, as
``espeak-ng -v nl -x --ipa`` does, and reads the lexicon's ``[[...]]`` as the voice does (the
library takes phoneme input once a text was spoken with that flag, as the voice speaks every
text). It runs in a process of its own, as the voice's library does.
"""

from __future__ import annotations

import json
import subprocess
import sys

_PHONEMIZER = r"""
import ctypes, json, sys
import espeakng_loader

lib = ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
SYNCHRONOUS, UTF8, IPA = 2, 1, 0x02
if lib.espeak_Initialize(SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0) <= 0:
    sys.exit("espeak-ng did not start")
if lib.espeak_SetVoiceByName(b"gmw/nl") != 0:
    sys.exit("espeak-ng has no Dutch voice")
callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)(
    lambda samples, count, events: 0
)
lib.espeak_SetSynthCallback(callback)
PHONEME_INPUT = 0x100
lib.espeak_Synth.argtypes = [
    ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
    ctypes.c_void_p, ctypes.c_void_p,
]
if lib.espeak_Synth(b"[[a]]\0", 6, 0, 1, 0, UTF8 | PHONEME_INPUT, None, None) != 0:
    sys.exit("espeak-ng did not speak")
lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
lib.espeak_TextToPhonemes.argtypes = [
    ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int
]

def phonemes(text):
    buffer = ctypes.create_string_buffer(text.encode())
    pointer = ctypes.c_void_p(ctypes.addressof(buffer))
    clauses = []
    while pointer.value:
        clauses.append(lib.espeak_TextToPhonemes(ctypes.byref(pointer), UTF8, IPA).decode())
    return " ".join(clauses)

json.dump([phonemes(text) for text in json.load(sys.stdin)], sys.stdout)
"""


def phonemize(texts: list[str]) -> list[str]:
    """The IPA phonemes bundled espeak-ng (Dutch) reads for each text."""
    result = subprocess.run(
        [sys.executable, "-c", _PHONEMIZER],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    phonemes: list[str] = json.loads(result.stdout)
    return phonemes
