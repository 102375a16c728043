"""The monitor stage: parse mention, order, shipment and network files; normalise; dedupe."""
