"""PDPA: the privacy notice (versioned, edited by admins) and consents for optional uses."""
