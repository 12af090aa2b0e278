"""Chart math on plain arrays (no Textual, no plotext): what each chart draws, before it is drawn."""
