"""Lessons: named presets for chapter 0's experiments, read from TOML files."""

from __future__ import annotations

from gd_tui.lessons.lesson import Lesson, LessonError
from gd_tui.lessons.loader import builtin_names, load_lesson, parse_lesson

__all__ = ["Lesson", "LessonError", "builtin_names", "load_lesson", "parse_lesson"]
