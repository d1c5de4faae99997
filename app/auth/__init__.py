"""Staff sign-in: passwords, a second factor, server-side sessions and the access guard."""
