"""Check-in at the door: QR scans, manual search, offline sync, live attendance."""
