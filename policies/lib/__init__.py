"""The pack's rule framework: plain unknown-aware props, policy documents, the `Rule` record."""

from .policy_document import PolicyDocument, Statement, parse_policy
from .rule import (
    Category,
    Context,
    Enforcement,
    Finding,
    Resource,
    Rule,
    Severity,
    resource_rule,
    stack_rule,
)
from .stack import Stack, StackResource
from .undecided import UNDECIDED, undecided
from .values import UNKNOWN, Props, Unknown, any_unknown, contains_unknown, is_unknown, plain

__all__ = [
    "UNDECIDED",
    "UNKNOWN",
    "Category",
    "Context",
    "Enforcement",
    "Finding",
    "PolicyDocument",
    "Props",
    "Resource",
    "Rule",
    "Severity",
    "Stack",
    "StackResource",
    "Statement",
    "Unknown",
    "any_unknown",
    "contains_unknown",
    "is_unknown",
    "parse_policy",
    "plain",
    "resource_rule",
    "stack_rule",
    "undecided",
]
