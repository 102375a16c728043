"""The decide stage: playbooks, the reroute optimizer, emissions and the cultural calendar."""
