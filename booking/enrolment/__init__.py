"""Enrolments, waitlists, offers, approvals, team bookings and reservations: who gets a place."""
