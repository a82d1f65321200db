"""The panel's binding decisions: proposals, votes, reopening and concerns."""
