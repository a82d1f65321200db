"""Progress of the panel's work for facilitators and members: counts, never scores."""
