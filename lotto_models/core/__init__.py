"""Core: the draw type and its rules, the settings, the errors and the code version, each defined once."""
