"""The measure stage: KPIs computed from the event log."""
