"""The cases tools/same_output.py runs on both sides: commands, and the files they read.

Each case runs in its own folder; every file it leaves is compared byte for byte. Between them
they cover every kind of file a build writes and every command that prints something.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BASE_URL = "https://www.praktijk.nl/oefeningen/"

PATIENT_TOML = """\
# A therapist's choice for one patient.
label = "J.D."
practice = "Fysiotherapie De Brug"
rate = 170
selection = [5, 7, 11]

[dosage]
reps = 6
sets = 2
rest_s = 10

[exercises.7]
reps = 4

[exercises.11]
hold_s = 12
sets = 3
"""

SECOND_PATIENT_TOML = """\
label = "K.L."
practice = "Fysiotherapie De Brug"
selection = [6, 8]
tones = false

[dosage]
reps = 5
rest_s = 30
"""

UNKNOWN_KEY_TOML = """\
label = "X.Y."

[dosage]
reps_ = 8
"""

BROKEN_TOML = """\
label = "X.Y."
selection = [5, 6
"""


@dataclass(frozen=True)
class Command:
    """One ``python -m audiocoach`` run: ``name`` names its saved stdout and stderr."""

    name: str
    args: tuple[str, ...]
    expect: int = 0


@dataclass(frozen=True)
class Case:
    """Commands run one after the other in one folder, with input files written first."""

    name: str
    what: str
    commands: tuple[Command, ...]
    inputs: dict[str, str] = field(default_factory=dict)


CASES: tuple[Case, ...] = (
    Case(
        "build",
        "default build (all phases, full and short sessions, page, playlist, transcripts), "
        "then the same build again (nothing to do)",
        (
            Command("build", ("build", "--out", "out")),
            Command("build-again", ("build", "--out", "out")),
        ),
    ),
    Case(
        "zip-feed",
        f"build --zip --base-url {BASE_URL} (zip beside the folder, feed, QR code)",
        (Command("build", ("build", "--out", "out", "--zip", "--base-url", BASE_URL)),),
    ),
    Case(
        "patient",
        "a patient file (label, practice, rate, selection, [dosage], [exercises.N]) "
        "plus --set on the command line",
        (Command("build", ("build", "patient.toml", "--out", "out", "--set", "5.rest_s=25")),),
        {"patient.toml": PATIENT_TOML},
    ),
    Case(
        "no-tones-phase-1",
        "build --no-tones --phase 1",
        (Command("build", ("build", "--out", "out", "--no-tones", "--phase", "1")),),
    ),
    Case(
        "two-patients",
        "two patient files in one build (a folder per label)",
        (Command("build", ("build", "a.toml", "b.toml", "--out", "out")),),
        {"a.toml": PATIENT_TOML, "b.toml": SECOND_PATIENT_TOML},
    ),
    Case(
        "preview",
        "preview, --script and --json, built-in card and the patient file with options",
        (
            Command("preview", ("preview",)),
            Command("preview-script", ("preview", "--script")),
            Command("preview-json", ("preview", "--json")),
            Command("preview-patient", ("preview", "patient.toml", "--reps", "7")),
            Command("preview-patient-json", ("preview", "patient.toml", "--json", "--no-tones")),
        ),
        {"patient.toml": PATIENT_TOML},
    ),
    Case(
        "phrases",
        "phrases (phrases.csv, phrases.html), built-in card and the patient file",
        (
            Command("phrases", ("phrases", "--out", "opnames")),
            Command("phrases-patient", ("phrases", "patient.toml", "--out", "opnames-patient")),
        ),
        {"patient.toml": PATIENT_TOML},
    ),
    Case(
        "init",
        "init (the example patient file)",
        (Command("init", ("init", "patient.toml")),),
    ),
    Case(
        "errors",
        "refused input: the one-sentence messages and exit status 2",
        (
            Command("select-fixed", ("build", "--out", "out", "--select", "3"), expect=2),
            Command("reps-zero", ("preview", "--reps", "0"), expect=2),
            Command("unknown-key", ("build", "unknown.toml", "--out", "out"), expect=2),
            Command("broken-toml", ("preview", "broken.toml"), expect=2),
            Command("bad-set", ("build", "--out", "out", "--set", "11.reps=6"), expect=2),
        ),
        {"unknown.toml": UNKNOWN_KEY_TOML, "broken.toml": BROKEN_TOML},
    ),
)
