"""Sessions and their meetings, venues and rooms, events with parallel programmes."""
