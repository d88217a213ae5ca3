"""Who is certified: certifications, their awards, certificates, verification, expiry and
renewal (issue 10)."""
