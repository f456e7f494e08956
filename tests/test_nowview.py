"""The now-view's steps, read from the default build's timelines, against the card's dosage.

What the page shows while a session plays must be what the card prescribes at that moment:
every count and cue in the set it belongs to, the card's number of sets, each rest and each
hold counted down to its end, and the next exercise named.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from audiocoach.model.program import Program
from audiocoach.output.listing import SessionFile, present
from audiocoach.output.manifest import Manifest
from audiocoach.output.nowview import Step, steps
from audiocoach.pipeline.build import BuiltFile

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def files(default_build: list[BuiltFile]) -> list[SessionFile]:
    return present(Manifest.load(Path(default_build[0].path.parent)))


def at(shown: list[Step], ms: int) -> Step:
    return [s for s in shown if s.start_ms <= ms][-1]


def test_every_count_is_shown_in_its_set_of_the_cards_sets(
    files: list[SessionFile], program: Program
) -> None:
    """Counting the sets as the card does (each starts with the first count again): the view
    says the same set at every count, of the card's number of sets."""
    for file in files:
        shown = steps(file)
        for number in file.phase.exercises:
            dosage = program.exercise(number).dosage
            counts = [e for e in file.timeline.events if e.exercise == number and e.kind == "count"]
            if not counts:
                continue  # advice: nothing to count
            set_ = 0
            for event in counts:
                set_ += event.text == counts[0].text
                step = at(shown, event.start_ms)
                assert (step.set_, step.sets) == (set_, dosage.sets), (file.name, number)
                assert step.said == event.text
                assert step.exercise.startswith(f"Oefening {number}: ")


def test_rests_and_holds_are_counted_down_to_their_end(
    files: list[SessionFile], program: Program
) -> None:
    for file in files:
        shown = steps(file)
        events = file.timeline.events
        for event in events:
            if event.kind == "rest":
                step = at(shown, event.start_ms)
                assert step.countdown == "Rust"
                assert step.until_ms >= event.end_ms, "at least the rest itself"
        holds = [e for e in file.timeline.events if e.exercise == 11 and e.text == "Start."]
        for start in holds:
            step = at(shown, start.end_ms)
            assert step.countdown == "Vasthouden"
            hold_s = program.exercise(11).dosage.hold_s
            assert step.until_ms - start.end_ms == hold_s * 1000, "the card's 12 seconds"


def test_the_next_exercise_is_named_before_it_begins(files: list[SessionFile]) -> None:
    for file in files:
        shown = steps(file)
        order = [c.exercise for c in file.timeline.chapters()]
        for before, after in itertools.pairwise(order):
            begins = next(e.start_ms for e in file.timeline.events if e.exercise == after)
            step = at(shown, begins - 1)
            assert step.next == file.chapter_title(after), (file.name, before, after)
        assert shown[-1].next == "Einde van de sessie"
