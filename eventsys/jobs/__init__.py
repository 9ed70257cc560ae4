"""Background jobs (imports, bulk certificates, e-mail) and their progress records."""
