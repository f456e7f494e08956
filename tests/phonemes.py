"""espeak-ng's own reading of a text: the phonemes the bundled library would speak.

``espeak_TextToPhonemes`` in the library that ``espeakng-loader`` ships turns text into IPA, as
``espeak-ng -v nl -x --ipa`` does. It runs in a process of its own: the test process already
has pyttsx3's espeak-ng running, and one library cannot be initialised twice.
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
if lib.espeak_SetVoiceByName(b"nl") != 0:
    sys.exit("espeak-ng has no Dutch voice")
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
