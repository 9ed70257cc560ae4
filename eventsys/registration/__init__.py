"""Registration: a volunteer's place at an event, its ticket and its state."""
