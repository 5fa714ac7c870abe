"""The procedure engine as plain Python: working days, clocks, presets, criteria, roles and the case lifecycle.

Nothing here imports Django, reads a database or touches the network: callers pass facts in (dates, holidays,
answers) and get decisions back. An import-linter contract keeps it that way.
"""
