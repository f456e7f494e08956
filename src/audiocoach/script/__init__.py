"""What is said, and when: the session script, its Dutch, the phrase keys and the phrase list.

Every sentence comes from a Jinja2 template in ``scripts_nl/``; this package turns a program's
phase into steps (lines, silences, tones) and makes every line speakable Dutch.
"""
