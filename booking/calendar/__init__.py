"""iCalendar invites, updates and cancellations; personal subscription feeds."""
