"""The bad-input cases of program and patient files, and the files they are made from.

Each case: (id, files to write in the work folder, arguments after "build" (or a command and
its arguments), words the message holds). Read by test_bad_input.py.
"""

from __future__ import annotations

GOOD_PROGRAM = """\
[program]
title = "{title}"

[[phases]]
number = 1
title = "{phase}"
exercises = [1]

[[exercises]]
number = 1
title = "Bruggetje"
aim = "versterken"
instruction = "Til het bekken op."
dosage = {{ pattern = "reps", reps = {reps}, sets = 1, rest_s = 0 }}
"""


def program_file(title: str = "Kort", phase: str = "Proef", reps: int = 1) -> str:
    return GOOD_PROGRAM.format(title=title, phase=phase, reps=reps)


def program_with(old: str, new: str, text: str | None = None) -> str:
    """The good program with one piece of its text replaced (which must be there)."""
    text = text or program_file()
    assert old in text
    return text.replace(old, new, 1)


SECOND_EXERCISE = (
    '\n[[exercises]]\nnumber = 2\ntitle = "Kniebuiging"\naim = "versterken"\n'
    'instruction = "Buig de knie."\ndosage = { pattern = "reps", reps = 1, sets = 1, rest_s = 0 }\n'
)


def float_recording(bad: float) -> bytes:
    """A float WAV of a second of tone with one sample ``bad`` (infinite, NaN) in it."""
    import io

    import numpy as np
    import soundfile

    samples = 0.3 * np.sin(np.linspace(0, 2 * np.pi * 440, 22050))
    samples[100] = bad
    data = io.BytesIO()
    soundfile.write(data, samples, 22050, format="WAV", subtype="FLOAT")
    return data.getvalue()


SECOND_PHASE = '\n[[phases]]\nnumber = 1\ntitle = "Nog eens"\nexercises = [1]\n'
HUGE = "1" + "0" * 5000
"""More digits than Python reads as a number (4300)."""


# (id, files to write in the work folder, arguments after "build" (or a command and its
# arguments, for an option only that command has), words the message holds)
Case = tuple[str, dict[str, str | bytes], list[str], str]
FILE_CASES: list[Case] = [
    # Program files: numbers, structure and text
    (
        "program exercise number zero",
        {"k.toml": program_with('number = 1\ntitle = "Brug', 'number = 0\ntitle = "Brug')},
        ["--program", "k.toml"],
        "'number' must be from 1 to 99, not 0",
    ),
    (
        "program exercise number 1000",
        {"k.toml": program_with('number = 1\ntitle = "Brug', 'number = 1000\ntitle = "Brug')},
        ["--program", "k.toml"],
        "'number' must be from 1 to 99, not 1000",
    ),
    (
        "program phase number negative",
        {"k.toml": program_with("number = 1", "number = -1")},
        ["--program", "k.toml"],
        "'number' must be from 1 to 99, not -1",
    ),
    (
        "program phase without exercises",
        {"k.toml": program_with("exercises = [1]", "exercises = []")},
        ["--program", "k.toml"],
        "phase 1 has no exercises",
    ),
    (
        "program phase names text",
        {"k.toml": program_with("exercises = [1]", 'exercises = ["een"]')},
        ["--program", "k.toml"],
        "names exercise 'een', which does not exist",
    ),
    (
        "program notes not text",
        {"k.toml": program_with('title = "Kort"', 'title = "Kort"\nnotes = [1, 2]')},
        ["--program", "k.toml"],
        "'notes' must be a list of texts, not 1",
    ),
    (
        "program notes not a list",
        {"k.toml": program_with('title = "Kort"', 'title = "Kort"\nnotes = "lees"')},
        ["--program", "k.toml"],
        "'notes' must be a list",
    ),
    (
        "program two phases one number",
        {"k.toml": program_file() + SECOND_PHASE},
        ["--program", "k.toml"],
        "two phases have the number 1",
    ),
    (
        "program title line break",
        {"k.toml": program_with('title = "Kort"', 'title = "Kort\\n#EXTINF:1,x"')},
        ["--program", "k.toml"],
        "'title' holds a control character (U+000A)",
    ),
    (
        "program subtitle control",
        {"k.toml": program_with('title = "Kort"', 'title = "Kort"\nsubtitle = "a\\u0001b"')},
        ["--program", "k.toml"],
        "'subtitle' holds a control character (U+0001)",
    ),
    (
        "program phase title escape",
        {"k.toml": program_file(phase="Proef\\u001b[31m")},
        ["--program", "k.toml"],
        "'title' holds a control character (U+001B)",
    ),
    (
        "program note line separator",
        {"k.toml": program_with('title = "Kort"', 'title = "Kort"\nnotes = ["a\\u2028b"]')},
        ["--program", "k.toml"],
        "'notes' holds a control character (U+2028)",
    ),
    (
        "program instruction nul",
        {"k.toml": program_with("Til het bekken op.", "Til het\\u0000 bekken op.")},
        ["--program", "k.toml"],
        "'instruction' holds a control character (U+0000)",
    ),
    (
        "program title too long",
        {"k.toml": program_file(title="a" * 3000)},
        ["--program", "k.toml"],
        "'title' is longer than 2000 characters",
    ),
    (
        "program cue line break",
        {
            "k.toml": program_with(
                '{ pattern = "reps", reps = 1,',
                '{ pattern = "parts", cues = ["links\\n", "rechts"], reps = 1,',
            )
        },
        ["--program", "k.toml"],
        "'cues' holds a control character (U+000A)",
    ),
    (
        "program many cues",
        {
            "k.toml": program_with(
                '{ pattern = "reps", reps = 1,',
                '{ pattern = "parts", cues = ["a", "b", "c", "d", "e", "f", "g"], reps = 1,',
            )
        },
        ["--program", "k.toml"],
        "'cues' must be a list of at most 6 words",
    ),
    (
        "program hours of parts",
        {
            "k.toml": program_with(
                '{ pattern = "reps", reps = 1, sets = 1, rest_s = 0 }',
                '{ pattern = "parts", cues = ["a", "b", "c", "d", "e", "f"], reps = 50, '
                "sets = 10, rest_s = 300, move_s = 30 }",
            )
        },
        ["--program", "k.toml"],
        "hours or more; a session may last at most 3 hours",
    ),
    (
        "dosage over three hours",
        {"k.toml": program_with("rest_s = 0 }", "rest_s = 0, move_s = 30 }")},
        ["--program", "k.toml", "--reps", "50", "--sets", "10", "--rest", "300"],
        "a session may last at most 3 hours",
    ),
    (
        "preview of a dosage over three hours",
        {"k.toml": program_with("rest_s = 0 }", "rest_s = 0, move_s = 30 }")},
        ["preview", "--program", "k.toml", "--reps", "50", "--sets", "10", "--rest", "300"],
        "a session may last at most 3 hours",
    ),
    (
        "program not utf-8",
        {"k.toml": b'[program]\ntitle = "K\xf6rt"\n'},
        ["--program", "k.toml"],
        "is not UTF-8 text (byte 21 cannot be read)",
    ),
    (
        "program too large",
        {"k.toml": program_file() + "# " + "x" * 300_000 + "\n"},
        ["--program", "k.toml"],
        "is larger than 256 KB",
    ),
    ("program is /dev/null", {}, ["--program", "/dev/null"], "/dev/null is not a regular file"),
    (
        "program name with a line break",
        {},
        ["--program", "geen\nbestand\x1b[2J.toml"],
        "geen\\nbestand\\x1b[2J.toml does not exist",
    ),
    # Patient files: text
    (
        "patient practice line break",
        {"p.toml": 'practice = "Praktijk\\nB"\n'},
        ["p.toml"],
        "'practice' must be one line",
    ),
    (
        "patient label control",
        {"p.toml": 'label = "A.\\u0007B."\n'},
        ["p.toml"],
        "'label' must be initials",
    ),
    (
        "patient label a full name",
        {"p.toml": 'label = "Jan de Vries"\n'},
        ["p.toml"],
        "'label' must be initials",
    ),
    (
        "patient phase zero",
        {"p.toml": "phase = 0\n"},
        ["p.toml"],
        "'phase' must be a phase number such as 1, not 0.",
    ),
    ("patient not utf-8", {"p.toml": b"label = '\xff'\n"}, ["p.toml"], "is not UTF-8 text"),
    # Program files: text that is not what it shows, lists that are not lists of numbers;
    # each names the file, the key and its line (GOOD_PROGRAM's lines: title 2, phase title 6,
    # exercises 7, exercise title 11, instruction 13).
    (
        "program title right-to-left override",
        {"k.toml": program_with('title = "Kort"', 'title = "Kort\\u202eepyt"')},
        ["--program", "k.toml"],
        "k.toml [program]: 'title' holds an invisible format character (U+202E); use plain "
        "text (line 2).",
    ),
    (
        "program phase title isolate",
        {"k.toml": program_file(phase="Proef\\u2066x\\u2069")},
        ["--program", "k.toml"],
        "k.toml phase 1: 'title' holds an invisible format character (U+2066); use plain text "
        "(line 6).",
    ),
    (
        "program instruction zero-width space",
        {"k.toml": program_with("Til het bekken op.", "Til het\\u200b bekken op.")},
        ["--program", "k.toml"],
        "'instruction' holds an invisible format character (U+200B); use plain text (line 13).",
    ),
    (
        "program exercise title tag character",
        {"k.toml": program_with('"Bruggetje"', '"Bruggetje\\U000E0041"')},
        ["--program", "k.toml"],
        "k.toml exercise 1: 'title' holds an invisible format character (U+E0041)",
    ),
    (
        "program phase exercises float",
        {"k.toml": program_with("exercises = [1]", "exercises = [1.0]")},
        ["--program", "k.toml"],
        "k.toml phase 1: 'exercises' must be a list of exercise numbers, not 1.0 (line 7).",
    ),
    (
        "program phase exercises boolean",
        {"k.toml": program_with("exercises = [1]", "exercises = [true]")},
        ["--program", "k.toml"],
        "k.toml phase 1: 'exercises' must be a list of exercise numbers, not True (line 7).",
    ),
    (
        "program phase exercise twice",
        {"k.toml": program_with("exercises = [1]", "exercises = [1, 1]")},
        ["--program", "k.toml"],
        "k.toml phase 1: 'exercises' names exercise 1 twice (line 7).",
    ),
    (
        "program fixed float",
        {"k.toml": program_with("exercises = [1]", "exercises = [1]\nfixed = [1.5]")},
        ["--program", "k.toml"],
        "k.toml phase 1: 'fixed' must be a list of exercise numbers, not 1.5 (line 8).",
    ),
    (
        "program fixed twice",
        {"k.toml": program_with("exercises = [1]", "exercises = [1]\nfixed = [1, 1]")},
        ["--program", "k.toml"],
        "k.toml phase 1: 'fixed' names exercise 1 twice (line 8).",
    ),
    (
        "program fixed not in the phase",
        {
            "k.toml": program_with("exercises = [1]", "exercises = [1]\nfixed = [2]")
            + SECOND_EXERCISE
        },
        ["--program", "k.toml"],
        "k.toml phase 1: 'fixed' names exercise 2, which is not one of the phase's 'exercises'",
    ),
    (
        "program title empty",
        {"k.toml": program_with('title = "Kort"', 'title = ""')},
        ["--program", "k.toml"],
        "k.toml [program]: 'title' is empty; give it words (line 2).",
    ),
    (
        "program phase title blank",
        {"k.toml": program_file(phase="  ")},
        ["--program", "k.toml"],
        "k.toml phase 1: 'title' is empty; give it words (line 6).",
    ),
    (
        "program exercise name empty",
        {"k.toml": program_with('title = "Bruggetje"', 'title = "Bruggetje"\nname = ""')},
        ["--program", "k.toml"],
        "k.toml exercise 1: 'name' is empty; give it words (line 12).",
    ),
    # Patient files: a program path no system can open
    (
        "patient program path nul",
        {"p.toml": 'program = "k\\u0000.toml"\n'},
        ["p.toml"],
        "The patient file p.toml, line 1: 'program' holds a control character (U+0000); "
        "give a file name.",
    ),
    # Recordings in float formats hold any number
    (
        "recording with an infinite sample",
        {"opnames/tel-01.wav": float_recording(float("inf"))},
        ["--voice-dir", "opnames", "--phase", "1"],
        "tel-01.wav holds samples that are not numbers (infinite or NaN)",
    ),
    (
        "recording with NaN samples",
        {"opnames/tel-01.wav": float_recording(float("nan"))},
        ["--voice-dir", "opnames", "--phase", "1"],
        "tel-01.wav holds samples that are not numbers (infinite or NaN)",
    ),
]
