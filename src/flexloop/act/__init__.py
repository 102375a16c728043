"""The act stage: reply drafts, the approval gate, executors and SLA clocks."""
