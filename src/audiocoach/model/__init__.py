"""The exercise card as data: the program, a patient's own dosage, the patient file.

Plain frozen dataclasses and the checks that make them; nothing here speaks, renders or writes
audio.
"""
