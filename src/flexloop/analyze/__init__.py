"""The analyze stage: language, sentiment, complaint, issue, intent, safety, entities, authenticity."""
