"""Dialogs over the main screen: help, breakpoints, a one-value prompt."""
