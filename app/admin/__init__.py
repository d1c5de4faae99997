"""Administration: staff accounts and the audit log. Admins only."""
