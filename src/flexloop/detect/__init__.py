"""Detection: spikes on streaming series, and NAB scoring of the spike detector."""
