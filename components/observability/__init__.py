"""Alarm topics per severity, shared by every component's alarms."""

from components.observability.alarm_topics import AlarmSubscription, AlarmTopics, AlarmTopicsArgs

__all__ = ["AlarmSubscription", "AlarmTopics", "AlarmTopicsArgs"]
