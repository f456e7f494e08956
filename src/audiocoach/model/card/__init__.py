"""Reading a card's text (plain text or PDF) into a program draft: ``audiocoach import``."""
