"""HTTP routes. Each route is named by its action (``api.security.POLICY``), validates, calls one
store or domain function, and returns."""
