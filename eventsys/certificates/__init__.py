"""Certificates (เกียรติบัตร / วุฒิบัตร) anyone can verify, and other printed documents."""
