"""The kernel every feature app builds on: who is acting, what is audited, who is told, how links are built.

It imports the domain, the audit trail, the outbox and the access scope, and no feature app (cases, returns,
rapid reviews and the apps to come): see the layers contract in ``pyproject.toml``.
"""
