"""Accounts: people who run events (admins, organizers, door staff) and their API tokens."""
