"""A day's patients in one build: each patient file into its own folder of the output folder.

The folder is named from the patient's label (initials, made safe for any file system), or
from the patient file's name when it has no label. Two patients that would share a folder are
an error before any work starts, never a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from audiocoach.errors import PatientError
from audiocoach.model.patient import Plan
from audiocoach.model.program import safe_slug


def folder_name(plan: Plan) -> str:
    """``a-b`` for the label "A.B."; the patient file's stem when there is no label."""
    patient = plan.patient
    if patient is None:
        return "patient"
    return safe_slug(patient.label or patient.path.stem)


def patient_folders(plans: Sequence[Plan], out: Path) -> list[Path]:
    """One distinct folder under ``out`` per plan, in the same order."""
    names = [folder_name(plan) for plan in plans]
    seen: dict[str, Plan] = {}
    for name, plan in zip(names, plans, strict=True):
        if name in seen:
            first, second = (j.patient.path if j.patient else "?" for j in (seen[name], plan))
            raise PatientError(
                f"The patient files {first} and {second} would both be built into "
                f"{out / name}; give them different labels."
            )
        seen[name] = plan
    return [out / name for name in names]
