"""Textual application: screens, widgets and the app shell."""
