"""Every sentence the therapist's screen says about a mistake, in Dutch, naming the field.

The command line keeps its own English sentences with their flags (``--reps must be ...``);
this screen has fields, not flags, so each message starts with the field's label as the form
shows it. The bounds and labels of the numbers come from the one table of settings
(:mod:`audiocoach.model.settings`); here are the rest, and what an error of the library met
while checking or building means for the therapist (:func:`dutch`). No message holds a path
or a command: the page is read by a therapist, not a terminal user.
"""

from __future__ import annotations

import sys

from audiocoach.errors import AudiocoachError, OutputError, SpeechError
from audiocoach.model.patient import LABEL_MAX, PRACTICE_MAX
from audiocoach.model.session_cap import MAX_SESSION_MS

LABEL_EMPTY = "Initialen: vul de initialen van de patiënt in, zoals J.d.V."
LABEL_NOT_INITIALS = (
    f"Initialen: alleen initialen, zoals J.d.V. (hoogstens {LABEL_MAX} tekens), "
    "geen naam of geboortedatum."
)
PRACTICE = f"Praktijk: één regel van hoogstens {PRACTICE_MAX} tekens."
PROGRAM_ABSENT = "Programma: dat programmabestand staat niet in de uitvoermap."
PROGRAM_WRONG = "Programma: dit programmabestand klopt niet; laat het nakijken."
PHASE = "Fasen: kies een fase uit de lijst."
VOICE = "Stem: kies een stem uit de lijst."
VOICES_FAILED = "Stem: de lijst met stemmen kon niet worden gelezen; de Nederlandse stem werkt wel."
VOICE_DIR = "Opnames: die map met opnames staat niet in de uitvoermap."
SELECTION_UNKNOWN = "Keuze van de oefeningen: kies alleen oefeningen uit de lijst."
BASE_URL = "Webadres: een adres zoals https://praktijk.nl/audio/ (https, zonder spaties)."
WAITING = "In de wachtrij: het voorbeeld volgt zodra de audio die nu gemaakt wordt klaar is."
TOO_LONG = (
    f"Een sessie zou langer dan {MAX_SESSION_MS // 3_600_000} uur duren: kies minder "
    "herhalingen, series of rust."
)
FOLDER_BUSY = (
    "In de map van deze patiënt wordt al audio gemaakt; wacht tot dat klaar is en "
    "probeer het opnieuw."
)
FOLDER_LINK = (
    "Initialen: de map voor deze initialen is een koppeling of een bestand; "
    "kies andere initialen of ruim de map op."
)
SPEECH_STOPPED = "De spraak stopte onverwacht; er is niets veranderd. Probeer het opnieuw."
NOT_WRITTEN = "De bestanden konden niet worden opgeslagen; er is niets veranderd."
FAILED = "Dat lukte niet; er is niets veranderd. Probeer het opnieuw."
CANCELLED = "Het maken is gestopt omdat de server stopte; er is niets veranderd."
NO_BUILD = "Die opdracht is er niet (meer)."
NO_FILE = "Dat bestand is er niet."
NO_PAGE = "Die pagina is er niet."
NOT_HERE = "Dat kan hier niet."
REFUSED = "Dat verzoek kan hier niet worden beantwoord."
NO_PATIENT = "Dat patiëntbestand is er niet of is niet te lezen."
FOREIGN = "Geweigerd: dit verzoek komt van een andere website."
NO_TOKEN = "Geweigerd: het formulier is verlopen; laad de pagina opnieuw en probeer het nog eens."


def selection_needed(phase: int) -> str:
    """A phase whose exercises the therapist chooses, asked for with none chosen."""
    return (
        f"Keuze van de oefeningen: vink ten minste één oefening van fase {phase} aan, "
        "of kies 'alle'."
    )


def dutch(error: AudiocoachError) -> str:
    """What a library error met while checking or building says on this screen.

    The English sentence (with its paths) goes to the server's terminal, for whoever looks
    after the computer; the page gets a Dutch sentence without paths."""
    text = str(error)
    print(f"audiocoach serve: {text}", file=sys.stderr)
    if "hours or more" in text:
        return TOO_LONG
    if "Another audiocoach build is writing" in text:
        return FOLDER_BUSY
    if isinstance(error, SpeechError):
        return SPEECH_STOPPED
    if isinstance(error, OutputError):
        return NOT_WRITTEN
    return FAILED
