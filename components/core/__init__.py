"""Shared building blocks of every component: settings, naming, tags, KMS, IAM, alarms, errors.

``core`` imports no component. Import from the submodules (``components.core.naming`` ...)."""
